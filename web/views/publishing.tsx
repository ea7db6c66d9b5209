import { named, sv } from '../../domain/catalog';
import { escalationTargets, spanUnits, type CaseType, type PolicyDocument, type TextLanguage } from '../../domain/policy';
import { boxesField, fieldId, reminderKinds, type GroupKind, type PolicyField, type PolicyFieldGroup, type PolicyForm } from '../policyForm';
import { FieldError } from './forms';
import { Csrf, Layout, type PageContext } from './layout';
import { inStepOrder } from './policies';
import { described, PublishSummary, suggestVersion, UnitSelect, VersionField, type PublishErrors, type UnitChoice } from './publishForm';

const t = sv.admin.publish;

/** The policy's own texts are in the source version's language; labels name English, and a screen reader is told. */
function groupLegend(g: PolicyFieldGroup, lang: TextLanguage): string {
  const n = (g.index ?? 0) + 1;
  const legends: Record<GroupKind, string> = {
    unit: t.unit,
    deadline: t.deadline,
    sameDay: t.sameDay,
    afterStart: t.afterStart(n),
    beforeDue: t.beforeDue(n),
    atFraction: t.atFraction(n),
    atTime: t.atTime(n),
    rung: t.rung(n),
    newReminder: t.addReminder,
    newRung: t.addRung,
    repeat: t.repeat,
    notify: t.notify,
    outcome: t.outcome(n, named(sv.outcomes, g.code ?? '')),
    newOutcome: t.addOutcome,
    waitDeadline: t.waitDeadline,
    waitSameDay: t.waitSameDay,
    waitUnit: t.waitUnit,
    waitRung: t.waitRung(n),
    newWaitRung: t.addWaitRung,
    rationale: t.rationale[lang],
    legalBasis: t.legalBasis[lang],
    interval: named(sv.steps, g.key ?? ''),
  };
  return legends[g.kind];
}

function fieldLabel(f: PolicyField, lang: TextLanguage): string {
  if (f.kind === 'amount') return t.amount;
  if (f.kind === 'spanUnit') return t.spanUnit;
  if (f.kind === 'percent') return t.percent;
  if (f.kind === 'target') return t.target;
  if (f.kind === 'remove') return t.remove;
  if (f.kind === 'reminderKind') return t.reminderKind;
  if (f.kind === 'outcome') return t.outcomeCode;
  // A box: may an outcome be given while the task waits, or a target told at opening.
  if (f.kind === 'check') return f.name.endsWith('.whileWaiting') ? t.whileWaiting : named(t.targets, String(f.path[f.path.length - 1]));
  if (f.kind === 'time') return f.name.endsWith('cutoffLocalTime') ? t.cutoff : f.name.endsWith('dueLocalTime') ? t.due : t.time;
  return f.kind === 'unit' ? t.unit : f.kind === 'requiredText' ? t.legalBasis[lang] : t.rationale[lang];
}

/** The groups that are rows of a step's lists: reminders, ladder, outcomes, the consent wait's ladder. */
const reminderKindsOfGroup = new Set<GroupKind>(['afterStart', 'beforeDue', 'atFraction', 'atTime', 'newReminder']);
const rungKinds = new Set<GroupKind>(['rung', 'newRung']);
const outcomeKinds = new Set<GroupKind>(['outcome', 'newOutcome']);
const waitRungKinds = new Set<GroupKind>(['waitRung', 'newWaitRung']);
const waitKinds = new Set<GroupKind>(['waitDeadline', 'waitSameDay', 'waitUnit', ...waitRungKinds]);
const rowKinds = new Set<GroupKind>([...reminderKindsOfGroup, ...rungKinds, ...outcomeKinds, ...waitRungKinds, 'notify', 'waitDeadline', 'waitSameDay']);

/** A row's labels start with which row of which step: "Påminnelse 2 för Skyddsbedömning: " (read, not shown). */
function rowPrefix(g: PolicyFieldGroup, step: string): string | undefined {
  const n = (g.index ?? 0) + 1;
  const prefixes: Partial<Record<GroupKind, string>> = {
    newReminder: t.newReminderRow(step),
    newRung: t.newRungRow(step),
    rung: t.rungRow(n, step),
    notify: t.notifyRow(step),
    outcome: t.outcomeRow(n, step),
    newOutcome: t.newOutcomeRow(step),
    waitDeadline: t.waitRow(step),
    waitSameDay: t.waitRow(step),
    waitRung: t.waitRungRow(n, step),
    newWaitRung: t.newWaitRungRow(step),
  };
  return prefixes[g.kind] ?? (reminderKindsOfGroup.has(g.kind) ? t.reminderRow(n, step) : undefined);
}

/** Where each field sits, in words, for the summary's links (in the order the form shows them). */
function placesOf(caseType: CaseType, form: PolicyForm): Array<{ name: string; text: string }> {
  const lang = form.textLanguage;
  const steps = inStepOrder(caseType, form.steps.map((s) => [s.key, s.groups] as [string, PolicyFieldGroup[]]));
  const stepPlaces = steps.flatMap(([key, groups]) =>
    groups.flatMap((g) =>
      g.fields.map((f) => ({
        name: f.name,
        text: g.fields.length === 1 && !rowKinds.has(g.kind) ? `${named(sv.steps, key)}: ${groupLegend(g, lang)}` : t.where(named(sv.steps, key), groupLegend(g, lang), fieldLabel(f, lang)),
      })),
    ),
  );
  const intervalPlaces = form.intervals.flatMap((g) => g.fields.map((f) => ({ name: f.name, text: t.where(t.intervals, groupLegend(g, lang), fieldLabel(f, lang)) })));
  return [{ name: 'version', text: t.version }, ...stepPlaces, ...intervalPlaces];
}

function Input(props: { field: PolicyField; lang: TextLanguage; value: string; error?: string; prefix?: string; hintId?: string }) {
  const { field, value, error } = props;
  const id = fieldId(field.name);
  const errorId = error ? `${id}-fel` : undefined;
  const common = { id, name: field.name, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': described(props.hintId, errorId) };
  const label = (
    <label for={id}>
      {props.prefix && <span class="visually-hidden">{props.prefix}</span>}
      {fieldLabel(field, props.lang)}
    </label>
  );
  if (field.kind === 'remove' || field.kind === 'check') {
    return (
      <div class="field">
        <FieldError id={errorId ?? ''} text={error} />
        <div class="checkbox">
          <input {...common} type="checkbox" value="on" checked={value === 'on'} />
          {label}
        </div>
      </div>
    );
  }
  // A new row's fields may be left empty (the row is then ignored); the source's are required.
  const required = !field.row;
  let control;
  if (field.kind === 'spanUnit' || field.kind === 'target' || field.kind === 'reminderKind') {
    const options =
      field.kind === 'spanUnit'
        ? spanUnits.map((u) => [u, named(t.spanUnits, u)])
        : field.kind === 'target'
          ? escalationTargets.map((x) => [x, named(t.targets, x)])
          : reminderKinds.map((k) => [k, named(t.reminderKinds, k)]);
    control = (
      <select {...common}>
        {/* A value the lists do not know is shown as itself, so it is carried over unless changed. */}
        {!options.some(([code]) => code === value) && <option value={value}>{value}</option>}
        {options.map(([code, label]) => (
          <option value={code} selected={code === value}>
            {label}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'outcome') {
    // A code, not a number: lower-case letters, digits and hyphens (the server names a wrong one next to the field).
    control = <input {...common} type="text" size={24} value={value} required={required} autocomplete="off" spellcheck={false} />;
  } else if (field.kind === 'time') {
    // Text, not type="time": the browser's own time field shows AM/PM in some locales.
    control = <input {...common} type="text" inputMode="numeric" size={5} value={value} required={required} autocomplete="off" />;
  } else {
    // Numbers as text (a decimal comma, and the server names a wrong one next to the field).
    control = <input {...common} type="text" inputMode="decimal" size={6} value={value} required={required} autocomplete="off" />;
  }
  return (
    <div class="field">
      {label}
      <FieldError id={errorId ?? ''} text={error} />
      {control}
    </div>
  );
}

function TextArea(props: { field: PolicyField; lang: TextLanguage; value: string; error?: string }) {
  const { field, lang, value, error } = props;
  const id = fieldId(field.name);
  const hintId = field.kind === 'text' ? `${id}-tips` : undefined;
  return (
    <div class="field">
      <label for={id}>{fieldLabel(field, props.lang)}</label>
      {hintId && (
        <p class="hint" id={hintId}>
          {t.rationaleHint}
        </p>
      )}
      <FieldError id={`${id}-fel`} text={error} />
      {/* The policy's own words; English ones are marked so for a screen reader (the page is Swedish). */}
      <textarea
        id={id}
        name={field.name}
        lang={lang === 'en' ? 'en' : undefined}
        rows={3}
        required={field.kind === 'requiredText'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described(hintId, error && `${id}-fel`)}
      >
        {value}
      </textarea>
    </div>
  );
}

function Group(props: { group: PolicyFieldGroup; lang: TextLanguage; units: UnitChoice[]; value: (f: PolicyField) => string; errors?: PublishErrors; step?: string }) {
  const { group, lang, value, errors } = props;
  const [first] = group.fields;
  if (group.kind === 'unit') return <UnitSelect name={first.name} label={t.unit} value={value(first)} error={errors?.fields[first.name]} units={props.units} />;
  if (group.kind === 'waitUnit') return <UnitSelect name={first.name} label={t.waitUnit} value={value(first)} error={errors?.fields[first.name]} units={props.units} />;
  if (group.kind === 'rationale' || group.kind === 'legalBasis') return <TextArea field={first} lang={lang} value={value(first)} error={errors?.fields[first.name]} />;
  const prefix = props.step === undefined ? undefined : rowPrefix(group, props.step);
  const hints: Partial<Record<GroupKind, string>> = { newReminder: t.addReminderHint, newRung: t.addRungHint, newOutcome: t.addOutcomeHint, newWaitRung: t.addWaitRungHint, notify: t.notifyHint };
  const hint = hints[group.kind];
  const hintId = hint ? `${fieldId(first.name)}-tips` : undefined;
  return (
    <fieldset>
      <legend>{groupLegend(group, lang)}</legend>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      <div class="inline-fields">
        {group.fields.map((f) => (
          <Input field={f} lang={lang} value={value(f)} error={errors?.fields[f.name]} prefix={prefix} hintId={hintId} />
        ))}
      </div>
    </fieldset>
  );
}

/** A list's rows in a fieldset of their own, with what the list is for above them. */
function RowList(props: { legend: string; hint?: string; hintId: string; children: unknown }) {
  return (
    <fieldset aria-describedby={props.hint ? props.hintId : undefined}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={props.hintId}>
          {props.hint}
        </p>
      )}
      {props.children}
    </fieldset>
  );
}

/**
 * A step's groups: its reminders, ladder and outcomes each as a list of rows in a fieldset, its
 * consent wait (deadline, unit, ladder) in one of its own, the rest as they come.
 */
function StepGroups(props: {
  stepKey: string;
  groups: PolicyFieldGroup[];
  consent?: { agency: string; purpose: string };
  lang: TextLanguage;
  units: UnitChoice[];
  value: (f: PolicyField) => string;
  errors?: PublishErrors;
}) {
  const { groups, stepKey, consent, ...rest } = props;
  const step = named(sv.steps, stepKey);
  const one = (g: PolicyFieldGroup) => <Group group={g} step={step} {...rest} />;
  const of = (kinds: Set<GroupKind>) => groups.filter((g) => kinds.has(g.kind));
  const listed = new Set<GroupKind>([...reminderKindsOfGroup, ...rungKinds, ...outcomeKinds, ...waitKinds, 'notify', 'legalBasis', 'rationale']);
  const hintId = (what: string) => `steg-${stepKey}-${what}-tips`;
  return (
    <>
      {groups.filter((g) => !listed.has(g.kind) && g.kind !== 'repeat').map(one)}
      <RowList legend={t.reminders} hint={t.remindersHint} hintId={hintId('paminnelser')}>
        {of(reminderKindsOfGroup).map(one)}
      </RowList>
      <fieldset>
        <legend>{t.rungs}</legend>
        {of(rungKinds).map(one)}
      </fieldset>
      {of(new Set(['repeat'])).map(one)}
      {of(new Set(['notify'])).map(one)}
      <RowList legend={t.outcomes} hint={t.outcomesHint} hintId={hintId('utfall')}>
        {of(outcomeKinds).map(one)}
      </RowList>
      {consent && (
        <RowList legend={t.consentWait} hint={t.consentWaitHint(named(sv.agencies, consent.agency), named(sv.consent.purposes, consent.purpose))} hintId={hintId('samtycke')}>
          {of(new Set(['waitDeadline', 'waitSameDay', 'waitUnit'])).map(one)}
          <RowList legend={t.waitRungs} hint={t.waitRungsHint} hintId={hintId('vantan')}>
            {of(waitRungKinds).map(one)}
          </RowList>
        </RowList>
      )}
      {of(new Set(['legalBasis', 'rationale'])).map(one)}
    </>
  );
}

/** Ny version: a policy version's form, filled from the source version, that publishes a new one (policy.publish). */
export function NewPolicyVersionPage(props: {
  ctx: PageContext;
  source: { caseType: string; version: string; document: PolicyDocument };
  form: PolicyForm;
  units: UnitChoice[];
  action: string;
  errors?: PublishErrors;
}) {
  const { ctx, source, form, errors } = props;
  const caseType = named(sv.caseTypes, source.caseType);
  const title = t.title(caseType);
  const value = (f: PolicyField) => errors?.values[f.name] ?? f.value;
  const steps = inStepOrder(source.document.caseType, form.steps.map((s) => [s.key, s.groups] as [string, PolicyFieldGroup[]]));
  const sourceHref = `${ctx.base}/administration/policyer/${encodeURIComponent(source.caseType)}/${encodeURIComponent(source.version)}`;
  return (
    <Layout ctx={{ ...ctx, current: 'policies' }} title={title}>
      <p>
        <a href={sourceHref}>{sv.admin.policy.title(caseType, source.version)}</a>
      </p>
      <h1 id="ny-version">{title}</h1>
      <p>{t.from(source.version)}</p>
      <p class="notice">{t.effect}</p>
      <PublishSummary places={placesOf(source.document.caseType, form)} errors={errors} />
      <form method="post" action={props.action} aria-labelledby="ny-version">
        <Csrf ctx={ctx} />
        {/* Says the form showed its boxes, so one it does not post was left unticked. */}
        <input type="hidden" name={boxesField} value="on" />
        <VersionField example={suggestVersion(source.version)} errors={errors} />
        <h2 id="stegen">{t.steps}</h2>
        <nav aria-label={t.onThisPage}>
          <ul>
            {steps.map(([key]) => (
              <li>
                <a href={`#steg-${key}`}>{named(sv.steps, key)}</a>
              </li>
            ))}
            {form.intervals.length > 0 && (
              <li>
                <a href="#intervall">{t.intervals}</a>
              </li>
            )}
          </ul>
        </nav>
        {steps.map(([key, groups]) => (
          <section aria-labelledby={`steg-${key}`}>
            <h3 id={`steg-${key}`}>{named(sv.steps, key)}</h3>
            <StepGroups stepKey={key} groups={groups} consent={source.document.steps[key]?.consent} lang={form.textLanguage} units={props.units} value={value} errors={errors} />
          </section>
        ))}
        {form.intervals.length > 0 && (
          <section aria-labelledby="intervall">
            <h2 id="intervall">{t.intervals}</h2>
            {inStepOrder(source.document.caseType, form.intervals.map((g) => [g.key ?? '', g] as [string, PolicyFieldGroup])).map(([, g]) => (
              <Group group={g} lang={form.textLanguage} units={props.units} value={value} errors={errors} />
            ))}
          </section>
        )}
        <p class="actions">
          <button type="submit">{t.button}</button>
          <a href={sourceHref}>{t.cancel}</a>
        </p>
      </form>
    </Layout>
  );
}
