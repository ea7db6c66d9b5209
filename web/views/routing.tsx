import { named, sv } from '../../domain/catalog';
import type { RoutingRule, RoutingTable } from '../../domain/routing';
import { Layout, type PageContext } from './layout';
import { ActivatedAt, inStepOrder, unitLabel } from './policies';

export interface RoutingView {
  active: RoutingTable;
  versions: Array<{ version: string; activatedAt: string }>;
}

/** One version as routing.version.read answers it. */
export interface RoutingVersionView {
  table: RoutingTable;
  activatedAt: string;
  active: boolean;
}

const r = sv.admin.routing;
const anyOf = (codes: readonly string[], table: Record<string, string>) => codes.map((c) => named(table, c)).join(r.or);
/** Names inside a sentence: "våld eller hot", not "Våld eller Hot". */
const lower = (text: string) => text.toLocaleLowerCase('sv');

/** A rule's conditions in words; a rule with none takes every referral. */
function conditions(rule: RoutingRule): string[] {
  const w = rule.when;
  const lines: string[] = [];
  if (w.sourceAgency) lines.push(r.sourceAgency(anyOf(w.sourceAgency, sv.agencies)));
  if (w.ageMin !== undefined && w.ageMax !== undefined) lines.push(r.ageBetween(w.ageMin, w.ageMax));
  else if (w.ageMin !== undefined) lines.push(r.ageMin(w.ageMin));
  else if (w.ageMax !== undefined) lines.push(r.ageMax(w.ageMax));
  if (w.category) lines.push(r.category(lower(anyOf(w.category, sv.categories))));
  if (w.district) lines.push(r.district(w.district.join(r.or)));
  if (w.suspectedOfCrime !== undefined) lines.push(w.suspectedOfCrime ? r.suspected : r.notSuspected);
  if (w.urgency) lines.push(r.urgency(lower(anyOf(w.urgency, sv.urgencies))));
  return lines;
}

function outcome(rule: RoutingRule): string[] {
  const t = rule.then;
  const lines = [r.caseType(named(sv.caseTypes, t.caseType))];
  if (t.tracks.length) lines.push(r.tracks(t.tracks.map((c) => named(sv.tracks, c)).join(', ')));
  for (const [step, unit] of inStepOrder(t.caseType, Object.entries(t.units))) lines.push(r.unitFor(named(sv.steps, step), unitLabel(unit)));
  if (t.alsoForMinors?.length) lines.push(r.alsoForMinors(t.alsoForMinors.map((c) => named(sv.caseTypes, c)).join(', ')));
  return lines;
}

/** A table's rules in words, in the order they are tried: the active table's and any other version's alike. */
function RoutingRules(props: { rules: RoutingRule[] }) {
  return (
    <ol class="rules">
      {props.rules.map((rule, i) => {
        const when = conditions(rule);
        const id = `regel-${rule.id}`;
        return (
          <li>
            <section aria-labelledby={id}>
              <h3 id={id}>{r.rule(i + 1, rule.id)}</h3>
              <dl class="facts">
                <dt>{r.when}</dt>
                <dd>
                  {when.length === 0 ? (
                    r.always
                  ) : (
                    <ul>
                      {when.map((line) => (
                        <li>{line}</li>
                      ))}
                    </ul>
                  )}
                </dd>
                <dt>{r.then}</dt>
                <dd>
                  <ul>
                    {outcome(rule).map((line) => (
                      <li>{line}</li>
                    ))}
                  </ul>
                </dd>
                {rule.description && (
                  <>
                    <dt>{r.description}</dt>
                    <dd lang="en">{rule.description}</dd>
                  </>
                )}
              </dl>
            </section>
          </li>
        );
      })}
    </ol>
  );
}

/** Routning: the active decision table's rules in words, in the order they are tried, and its versions. */
export function RoutingPage(props: { ctx: PageContext; routing?: RoutingView; notice?: string }) {
  const { ctx, routing } = props;
  return (
    <Layout ctx={{ ...ctx, current: 'routing' }} title={r.title}>
      <h1>{r.title}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <p>{r.intro}</p>
      <p>{sv.admin.routingVersions}</p>
      {!routing ? (
        <p>{r.noTable}</p>
      ) : (
        <>
          <p>
            <a class="button" href={`${ctx.base}/administration/routning/ny-version`}>
              {sv.admin.publishRouting.newVersion}
            </a>
          </p>
          <p>{r.activeVersion(routing.active.version)}</p>
          <h2>{r.versions}</h2>
          <table>
            <caption>{r.versionsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{r.colVersion}</th>
                <th scope="col">{r.colFrom}</th>
                <th scope="col">{r.colActive}</th>
              </tr>
            </thead>
            <tbody>
              {routing.versions.map((v) => (
                <tr>
                  <td>
                    <a href={`${ctx.base}/administration/routning/versioner/${encodeURIComponent(v.version)}`}>{r.versionLink(v.version)}</a>
                  </td>
                  <td>
                    <ActivatedAt at={v.activatedAt} />
                  </td>
                  <td>{v.version === routing.active.version ? r.active : r.notActive}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{r.rules}</h2>
          <RoutingRules rules={routing.active.rules} />
        </>
      )}
    </Layout>
  );
}

/**
 * One routing-table version, read only: when it activates, whether it routes referrals now (said
 * plainly when it does not), and its rules as Routning shows the active one's.
 */
export function RoutingVersionPage(props: { ctx: PageContext; version: RoutingVersionView }) {
  const { ctx, version } = props;
  const title = r.versionTitle(version.table.version);
  return (
    <Layout ctx={{ ...ctx, current: 'routing' }} title={title}>
      <p>
        <a href={`${ctx.base}/administration/routning`}>{r.back}</a>
      </p>
      <h1>{title}</h1>
      <p class={version.active ? 'notice' : 'notice caution'}>{version.active ? r.isActive : r.isNotActive}</p>
      <dl class="facts">
        <dt>{r.colFrom}</dt>
        <dd>
          <ActivatedAt at={version.activatedAt} />
        </dd>
        <dt>{r.colActive}</dt>
        <dd>{version.active ? r.yes : r.notActive}</dd>
      </dl>
      <h2>{r.rulesOf(version.table.version)}</h2>
      <RoutingRules rules={version.table.rules} />
    </Layout>
  );
}
