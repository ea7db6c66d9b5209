import { named, sv } from '../../domain/catalog';
import type { RoutingTable } from '../../domain/routing';
import { Csrf, Layout, type PageContext } from './layout';
import { inStepOrder } from './policies';
import { PublishSummary, suggestVersion, UnitSelect, VersionField, type PublishErrors, type UnitChoice } from './publishing';

const t = sv.admin.publishRouting;

/** A rule's unit for one step, named by its path in the table (the path the API names in a refusal). */
export interface RoutingUnitField {
  name: string;
  rule: number;
  ruleId: string;
  step: string;
  value: string;
}

/** The fields of the routing form: each rule's own units, by step (rules without any send work where the policy does). */
export function routingUnitFields(table: RoutingTable): RoutingUnitField[] {
  return table.rules.flatMap((rule, i) =>
    inStepOrder(rule.then.caseType, Object.entries(rule.then.units)).map(([step, unit]) => ({ name: `rules.${i}.then.units.${step}`, rule: i, ruleId: rule.id, step, value: unit })),
  );
}

/** Ny version av routningstabellen: the active version's rules with their units to change (routing.publish). */
export function NewRoutingVersionPage(props: { ctx: PageContext; active: RoutingTable; units: UnitChoice[]; action: string; errors?: PublishErrors }) {
  const { ctx, active, errors } = props;
  const fields = routingUnitFields(active);
  const rules = [...new Set(fields.map((f) => f.rule))];
  const places = [
    { name: 'version', text: sv.admin.publish.version },
    ...fields.map((f) => ({ name: f.name, text: `${sv.admin.routing.rule(f.rule + 1, f.ruleId)}: ${t.unitFor(named(sv.steps, f.step))}` })),
  ];
  const back = `${ctx.base}/administration/routning`;
  return (
    <Layout ctx={{ ...ctx, current: 'routing' }} title={t.title}>
      <p>
        <a href={back}>{sv.admin.routing.title}</a>
      </p>
      <h1 id="ny-routning">{t.title}</h1>
      <p>{t.from(active.version)}</p>
      <p class="notice">{t.effect}</p>
      <PublishSummary places={places} errors={errors} />
      <form method="post" action={props.action} aria-labelledby="ny-routning">
        <Csrf ctx={ctx} />
        {/* Which version the form was filled from: a table published meanwhile is not overwritten unseen. */}
        <input type="hidden" name="from" value={active.version} />
        <VersionField example={suggestVersion(active.version)} errors={errors} />
        <h2>{t.rules}</h2>
        <p>{t.others}</p>
        {rules.map((i) => {
          const rule = active.rules[i];
          const id = `regel-${rule.id}`;
          return (
            <section aria-labelledby={id}>
              <h3 id={id}>{sv.admin.routing.rule(i + 1, rule.id)}</h3>
              <p>{sv.admin.routing.caseType(named(sv.caseTypes, rule.then.caseType))}</p>
              {fields
                .filter((f) => f.rule === i)
                .map((f) => (
                  <UnitSelect name={f.name} label={t.unitFor(named(sv.steps, f.step))} value={errors?.values[f.name] ?? f.value} error={errors?.fields[f.name]} units={props.units} />
                ))}
            </section>
          );
        })}
        <p class="actions">
          <button type="submit">{sv.admin.publish.button}</button>
          <a href={back}>{t.cancel}</a>
        </p>
      </form>
    </Layout>
  );
}
