import { named, sv } from '../../domain/catalog';
import type { RoutingTable } from '../../domain/routing';
import { fieldId } from '../policyForm';
import {
  caseTypeName,
  conditionChoices,
  conditionName,
  lines,
  newRule,
  newUnitName,
  positionName,
  removeName,
  ruleCaseTypes,
  shownCaseType,
  tracksName,
  unitName,
  unitsForName,
  type ConditionKey,
  type StepsOf,
} from '../routingForm';
import { FieldError } from './forms';
import { Csrf, Layout, type PageContext } from './layout';
import { inStepOrder, unitLabel } from './policies';
import { ActiveUnitOptions, described, PublishSummary, suggestVersion, VersionField, type PublishErrors, type UnitChoice } from './publishForm';

const t = sv.admin.publishRouting;

/** A code list the form offers as boxes: its code and its Swedish name. */
export interface Choice {
  code: string;
  name: string;
}

interface FormState {
  values: Record<string, string>;
  errors?: PublishErrors;
}

const invalid = (error?: string) => (error ? ('true' as const) : undefined);

/** A form field's id, its refusal and what was typed, by its name. */
function fieldOf(name: string, state: FormState) {
  return { id: fieldId(name), error: state.errors?.fields[name], value: state.values[name] ?? '' };
}

/** Boxes of one name: the codes of a list condition (none ticked: no condition). */
function Boxes(props: { name: string; legend: string; choices: Choice[]; state: FormState }) {
  const { id, error, value } = fieldOf(props.name, props.state);
  const ticked = lines(value);
  // A code the table has that the list does not (e.g. an agency no longer in the registry) stays ticked, so it is carried over.
  const choices = [...props.choices, ...ticked.filter((c) => !props.choices.some((x) => x.code === c)).map((code) => ({ code, name: code }))];
  return (
    <fieldset id={id} class="choices" aria-describedby={described(error && `${id}-fel`)}>
      <legend>{props.legend}</legend>
      <FieldError id={`${id}-fel`} text={error} />
      {choices.map((c) => (
        <span class="checkbox">
          <input type="checkbox" id={`${id}-${c.code}`} name={props.name} value={c.code} checked={ticked.includes(c.code)} aria-invalid={invalid(error)} />
          <label for={`${id}-${c.code}`}>{c.name}</label>
        </span>
      ))}
    </fieldset>
  );
}

/** labelSuffix: read, not shown (which rule the field is of, for a list of the form's fields out of their group). */
function TextField(props: { name: string; label: string; state: FormState; numeric?: boolean; hint?: string; labelSuffix?: string }) {
  const { id, error, value } = fieldOf(props.name, props.state);
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        {props.labelSuffix && <span class="visually-hidden">{props.labelSuffix}</span>}
      </label>
      {props.hint && (
        <p class="hint" id={`${id}-tips`}>
          {props.hint}
        </p>
      )}
      <FieldError id={`${id}-fel`} text={error} />
      <input
        id={id}
        name={props.name}
        type="text"
        value={value}
        autocomplete="off"
        inputmode={props.numeric ? 'numeric' : undefined}
        class={props.numeric ? 'short' : undefined}
        aria-invalid={invalid(error)}
        aria-describedby={described(props.hint && `${id}-tips`, error && `${id}-fel`)}
      />
    </div>
  );
}

function Select(props: { name: string; label: string; state: FormState; options: Array<{ value: string; text: string }>; hint?: string }) {
  const { id, error, value } = fieldOf(props.name, props.state);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-tips`}>
          {props.hint}
        </p>
      )}
      <FieldError id={`${id}-fel`} text={error} />
      <select id={id} name={props.name} aria-invalid={invalid(error)} aria-describedby={described(props.hint && `${id}-tips`, error && `${id}-fel`)}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A rule's conditions, one field each; an empty field is no condition. */
function Conditions(props: { prefix: string; agencies: Choice[]; state: FormState }) {
  const { prefix, state } = props;
  const n = (key: ConditionKey) => conditionName(prefix, key);
  const coded = (key: 'category' | 'urgency', names: Record<string, string>) => conditionChoices[key].map((code) => ({ code, name: named(names, code) }));
  return (
    <fieldset>
      <legend>{t.conditions}</legend>
      <Boxes name={n('sourceAgency')} legend={t.sourceAgency} choices={props.agencies} state={state} />
      <TextField name={n('ageMin')} label={t.ageMin} state={state} numeric />
      <TextField name={n('ageMax')} label={t.ageMax} state={state} numeric />
      <Boxes name={n('category')} legend={t.category} choices={coded('category', sv.categories)} state={state} />
      <div class="field">
        <label for={fieldId(n('district'))}>{t.district}</label>
        <FieldError id={`${fieldId(n('district'))}-fel`} text={state.errors?.fields[n('district')]} />
        <textarea
          id={fieldId(n('district'))}
          name={n('district')}
          rows={2}
          aria-invalid={invalid(state.errors?.fields[n('district')])}
          aria-describedby={described(state.errors?.fields[n('district')] && `${fieldId(n('district'))}-fel`)}
        >
          {state.values[n('district')] ?? ''}
        </textarea>
      </div>
      <Select
        name={n('suspectedOfCrime')}
        label={t.suspectedOfCrime}
        state={state}
        options={[
          { value: '', text: t.anySuspected },
          { value: 'true', text: t.suspected },
          { value: 'false', text: t.notSuspected },
        ]}
      />
      <Boxes name={n('urgency')} legend={t.urgency} choices={coded('urgency', sv.urgencies)} state={state} />
    </fieldset>
  );
}

/** A unit for a step, or none of the rule's own (the policy's unit): the registry's active units by agency, and the current one even when it takes no new work. */
function OptionalUnitSelect(props: { name: string; label: string; state: FormState; units: UnitChoice[] }) {
  const { id, error, value } = fieldOf(props.name, props.state);
  const active = props.units.filter((u) => u.active);
  const known = props.units.find((u) => u.code === value);
  const offered = value === '' || active.some((u) => u.code === value);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <FieldError id={`${id}-fel`} text={error} />
      <select id={id} name={props.name} aria-invalid={invalid(error)} aria-describedby={described(error && `${id}-fel`)}>
        <option value="" selected={value === ''}>
          {t.policyUnit}
        </option>
        {!offered && (
          <option value={value} selected>
            {known ? sv.admin.publish.inactiveUnit(known.name) : unitLabel(value)}
          </option>
        )}
        <ActiveUnitOptions units={props.units} value={value} />
      </select>
    </div>
  );
}

/** Where each field sits, in words, for the summary's links (in the order the form shows them). */
function placesOf(active: RoutingTable, stepsOf: StepsOf, values: Record<string, string>): Array<{ name: string; text: string }> {
  const conditionPlaces = (prefix: string, rule: string) => [
    { name: conditionName(prefix, 'sourceAgency'), text: `${rule}: ${t.sourceAgency}` },
    { name: conditionName(prefix, 'ageMin'), text: `${rule}: ${t.ageMin}` },
    { name: conditionName(prefix, 'ageMax'), text: `${rule}: ${t.ageMax}` },
    { name: conditionName(prefix, 'category'), text: `${rule}: ${t.category}` },
    { name: conditionName(prefix, 'district'), text: `${rule}: ${t.district}` },
    { name: conditionName(prefix, 'suspectedOfCrime'), text: `${rule}: ${t.suspectedOfCrime}` },
    { name: conditionName(prefix, 'urgency'), text: `${rule}: ${t.urgency}` },
  ];
  return [
    { name: 'version', text: sv.admin.publish.version },
    ...active.rules.flatMap((rule, i) => {
      const prefix = `rules.${i}`;
      const legend = t.ruleLegend(i + 1, rule.id);
      return [
        { name: positionName(prefix), text: `${legend}: ${t.place}` },
        { name: caseTypeName(prefix), text: `${legend}: ${t.caseType}` },
        { name: tracksName(prefix), text: `${legend}: ${t.tracks}` },
        ...conditionPlaces(prefix, legend),
        ...stepsOf(shownCaseType(rule, values, prefix), rule).map((step) => ({ name: unitName(prefix, step), text: `${legend}: ${t.unitFor(named(sv.steps, step))}` })),
      ];
    }),
    { name: positionName(newRule), text: `${t.newRule}: ${t.position}` },
    { name: `${newRule}.id`, text: `${t.newRule}: ${t.id}` },
    { name: caseTypeName(newRule), text: `${t.newRule}: ${t.caseType}` },
    { name: tracksName(newRule), text: `${t.newRule}: ${t.tracks}` },
    ...conditionPlaces(newRule, t.newRule),
    ...ruleCaseTypes.flatMap((caseType) =>
      stepsOf(caseType).map((step) => ({ name: newUnitName(caseType, step), text: `${t.newRule}: ${t.newUnits(named(sv.caseTypes, caseType))}: ${t.unitFor(named(sv.steps, step))}` })),
    ),
  ];
}

/** The steps a rule's units are offered for: its case type's active policy's, and any the rule already names, in step order. */
export function unitSteps(caseType: string, policySteps: readonly string[], own: readonly string[]): string[] {
  const all = [...new Set([...policySteps, ...own])];
  return inStepOrder(caseType as never, all.map((s) => [s, s] as [string, string])).map(([s]) => s);
}

/** Whether a refusal sits in a rule's fields: its block is then open. */
const refusedIn = (prefix: string, errors?: PublishErrors) => Object.keys(errors?.fields ?? {}).some((name) => name.startsWith(`${prefix}.`));

/** Ny version av routningstabellen: the active version's rules with their place, case type, tracks, conditions and units to change, rules to remove and one to add (routing.publish). */
export function NewRoutingVersionPage(props: {
  ctx: PageContext;
  active: RoutingTable;
  units: UnitChoice[];
  agencies: Choice[];
  /** The steps a rule of a case type may have a unit for. */
  stepsOf: StepsOf;
  values: Record<string, string>;
  action: string;
  errors?: PublishErrors;
}) {
  const { ctx, active, errors, stepsOf } = props;
  const state: FormState = { values: props.values, errors };
  const back = `${ctx.base}/administration/routning`;
  const tracks = [...Object.keys(sv.tracks)].map((code) => ({ code, name: named(sv.tracks, code) }));
  const caseTypeOptions = ruleCaseTypes.map((c) => ({ value: c, text: named(sv.caseTypes, c) }));
  const newCaseType = props.values[caseTypeName(newRule)] ?? '';
  return (
    <Layout ctx={{ ...ctx, current: 'routing' }} title={t.title}>
      <p>
        <a href={back}>{sv.admin.routing.title}</a>
      </p>
      <h1 id="ny-routning">{t.title}</h1>
      <p>{t.from(active.version)}</p>
      <p class="notice">{t.effect}</p>
      <PublishSummary places={placesOf(active, stepsOf, props.values)} errors={errors} />
      <form method="post" action={props.action} aria-labelledby="ny-routning">
        <Csrf ctx={ctx} />
        {/* Which version the form was filled from: a table published meanwhile is not overwritten unseen. */}
        <input type="hidden" name="from" value={active.version} />
        <VersionField example={suggestVersion(active.version)} errors={errors ? { ...errors, values: { version: props.values.version ?? '' } } : undefined} />
        <h2>{t.rules}</h2>
        <p>{t.order}</p>
        <p>{t.others}</p>
        {active.rules.map((rule, i) => {
          const prefix = `rules.${i}`;
          const legend = t.ruleLegend(i + 1, rule.id);
          const removeId = fieldId(removeName(prefix));
          const caseType = shownCaseType(rule, props.values, prefix);
          const steps = stepsOf(caseType, rule);
          // Each rule folded to its name (the form is long), open when a refusal is in it so that the summary's link lands on a field shown.
          return (
            <details class="rule" open={refusedIn(prefix, errors) ? true : undefined}>
              <summary>{legend}</summary>
              <fieldset id={`regel-${rule.id}`} class="rule">
                <legend class="visually-hidden">{legend}</legend>
                <TextField name={positionName(prefix)} label={t.place} labelSuffix={` (${legend})`} state={state} numeric />
                <Select name={caseTypeName(prefix)} label={t.caseType} hint={t.caseTypeHint} state={state} options={caseTypeOptions} />
                {/* Which case type's steps the unit fields below are: a case type changed on sending is told from it. */}
                <input type="hidden" name={unitsForName(prefix)} value={caseType} />
                <Boxes name={tracksName(prefix)} legend={t.tracks} choices={tracks} state={state} />
                <Conditions prefix={prefix} agencies={props.agencies} state={state} />
                {steps.length > 0 && (
                  <fieldset>
                    <legend>{t.units}</legend>
                    {steps.map((step) => (
                      <OptionalUnitSelect name={unitName(prefix, step)} label={t.unitFor(named(sv.steps, step))} state={state} units={props.units} />
                    ))}
                  </fieldset>
                )}
                <span class="checkbox">
                  <input type="checkbox" id={removeId} name={removeName(prefix)} value="true" checked={props.values[removeName(prefix)] === 'true'} />
                  <label for={removeId}>
                    {t.remove}
                    {/* Which rule, for a screen reader that lists the form's boxes out of their group. */}
                    <span class="visually-hidden">{` (${legend})`}</span>
                  </label>
                </span>
              </fieldset>
            </details>
          );
        })}
        <details class="rule" open={refusedIn(newRule, errors) || props.values[`${newRule}.id`] || newCaseType ? true : undefined}>
          <summary>{t.newRule}</summary>
          <fieldset id="ny-regel" class="rule">
            <legend class="visually-hidden">{t.newRule}</legend>
            <p class="hint">{t.newRuleHint}</p>
            <Select
              name={positionName(newRule)}
              label={t.position}
              state={state}
              options={[...active.rules.map((rule, i) => ({ value: String(i), text: t.before(i + 1, rule.id) })), { value: String(active.rules.length), text: t.last }]}
            />
            <TextField name={`${newRule}.id`} label={t.id} hint={t.idHint} state={state} />
            <Select name={caseTypeName(newRule)} label={t.caseType} state={state} options={[{ value: '', text: t.chooseCaseType }, ...caseTypeOptions]} />
            <Boxes name={tracksName(newRule)} legend={t.tracks} choices={tracks} state={state} />
            <Conditions prefix={newRule} agencies={props.agencies} state={state} />
            {/* Each case type's steps: only the chosen case type's are read, so units can be chosen in the same sending as the case type. */}
            {ruleCaseTypes.map((c) => {
              const steps = stepsOf(c);
              return (
                steps.length > 0 && (
                  <fieldset>
                    <legend>{t.newUnits(named(sv.caseTypes, c))}</legend>
                    {steps.map((step) => (
                      <OptionalUnitSelect name={newUnitName(c, step)} label={t.unitFor(named(sv.steps, step))} state={state} units={props.units} />
                    ))}
                  </fieldset>
                )
              );
            })}
          </fieldset>
        </details>
        <p class="actions">
          <button type="submit">{sv.admin.publish.button}</button>
          <a href={back}>{t.cancel}</a>
        </p>
      </form>
    </Layout>
  );
}
