import type { z } from 'zod';
import type { watchdogFindingSchema, watchdogRunSchema } from '../../api/views/watchdogFinding';
import { named, sv } from '../../domain/catalog';
import { watchdogKinds, type WatchdogKind } from '../../domain/watchdog';
import { formatDateTime } from '../format';
import { Layout, type PageContext } from './layout';
import { ListPager, type ListPage } from './listPager';
import type { UnitOption } from './search';

export type FindingStatus = 'open' | 'resolved' | 'all';

/** Bevakning's filters and pages, all in the URL (back and reload return to them). */
export interface WatchdogFilters {
  status: FindingStatus;
  kind: WatchdogKind | '';
  /** A unit code, or '' for every unit the caller may see. */
  unit: string;
  offset: number;
  runsOffset: number;
}

/** A finding and a sweep as watchdog.findings and watchdog.runs answer them. */
export type FindingView = z.infer<typeof watchdogFindingSchema>;
export type RunView = z.infer<typeof watchdogRunSchema>;

export type FindingsPage = ListPage<FindingView>;
export type RunsPage = ListPage<RunView>;

/** The page's URL with these filters and pages; only what is set. */
export function watchdogUrl(ctx: PageContext, f: WatchdogFilters): string {
  const q = new URLSearchParams();
  if (f.status !== 'open') q.set('status', f.status);
  if (f.kind) q.set('kind', f.kind);
  if (f.unit) q.set('unit', f.unit);
  if (f.offset) q.set('offset', String(f.offset));
  if (f.runsOffset) q.set('runsOffset', String(f.runsOffset));
  const query = q.toString();
  return `${ctx.base}/bevakning${query ? `?${query}` : ''}`;
}

const Time = (props: { at: string }) => <time datetime={props.at}>{formatDateTime(props.at)}</time>;

function Filters(props: { ctx: PageContext; filters: WatchdogFilters; units: UnitOption[] }) {
  const { filters, units } = props;
  const t = sv.watchdog;
  const agencies = [...new Set(units.map((u) => u.agency))];
  const unitName = (u: UnitOption) => (named(sv.units, u.code) === u.code ? u.name : named(sv.units, u.code));
  return (
    // No restored form state: after back, the fields show the filters of the list shown (the URL's).
    <form class="filters" method="get" action={`${props.ctx.base}/bevakning`} autocomplete="off">
      <fieldset>
        <legend>{t.filters}</legend>
        <div class="field">
          <label for="b-status">{t.status}</label>
          <select id="b-status" name="status">
            {(['open', 'resolved', 'all'] as const).map((s) => (
              <option value={s} selected={filters.status === s}>
                {t.statuses[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="b-slag">{t.kind}</label>
          <select id="b-slag" name="kind">
            <option value="">{t.anyKind}</option>
            {watchdogKinds.map((k) => (
              <option value={k} selected={filters.kind === k}>
                {t.kinds[k]}
              </option>
            ))}
          </select>
        </div>
        {units.length > 1 && (
          <div class="field">
            <label for="b-enhet">{t.unit}</label>
            <select id="b-enhet" name="unit">
              <option value="">{t.anyUnit}</option>
              {agencies.map((agency) => (
                <optgroup label={named(sv.agencies, agency)}>
                  {units
                    .filter((u) => u.agency === agency)
                    .map((u) => (
                      <option value={u.code} selected={filters.unit === u.code}>
                        {unitName(u)}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </div>
        )}
        <button type="submit">{t.apply}</button>
      </fieldset>
    </form>
  );
}

/** What a finding concerns, as a link where there is a page: the task (its escalations are there) or the case. */
function Concerns(props: { ctx: PageContext; f: FindingView }) {
  const { ctx, f } = props;
  const t = sv.watchdog;
  if (!f.caseId) return <>{t.nothingToLink}</>;
  const casePath = `${ctx.base}/arenden/${encodeURIComponent(f.caseId)}`;
  if (f.taskId) return <a href={`${casePath}/uppgifter/${encodeURIComponent(f.taskId)}`}>{t.taskLink(f.caseId)}</a>;
  return <a href={casePath}>{t.caseLink(f.caseId)}</a>;
}

function Findings(props: { ctx: PageContext; filters: WatchdogFilters; findings: FindingsPage }) {
  const { ctx, filters, findings } = props;
  const t = sv.watchdog;
  const showResolved = filters.status !== 'open';
  return (
    <>
      <h2 id="fynd-rubrik">{t.findingsHeading(filters.status, findings.total, findings.totalCapped)}</h2>
      {findings.items.length === 0 ? (
        <p>{t.none[filters.status]}</p>
      ) : (
        <>
          <p>{t.showing(findings.offset + 1, findings.offset + findings.items.length)}</p>
          <table>
            <caption>{t.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.colKind}</th>
                <th scope="col">{t.colSince}</th>
                <th scope="col">{t.colLastSeen}</th>
                {showResolved && <th scope="col">{t.colResolved}</th>}
                <th scope="col">{t.colUnit}</th>
                <th scope="col">{t.colConcerns}</th>
                <th scope="col">{t.colDetail}</th>
              </tr>
            </thead>
            <tbody>
              {findings.items.map((f) => (
                <tr>
                  <th scope="row">{t.kinds[f.kind] ?? f.kind}</th>
                  <td>
                    <Time at={f.firstSeenAt} />
                  </td>
                  <td>
                    <Time at={f.lastSeenAt} />
                  </td>
                  {showResolved && <td>{f.resolvedAt ? <Time at={f.resolvedAt} /> : t.stillOpen}</td>}
                  <td>{f.unit ? named(sv.units, f.unit) : f.caseId ? t.wholeCase : '–'}</td>
                  <td>
                    <Concerns ctx={ctx} f={f} />
                  </td>
                  <td>{f.detail ? <span lang="en">{f.detail}</span> : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">{t.detailNote}</p>
        </>
      )}
      <ListPager
        page={findings}
        href={(offset) => watchdogUrl(ctx, { ...filters, offset })}
        texts={{ pages: t.pages, previous: t.previous, next: t.next, tooMany: t.tooMany }}
      />
      <details>
        <summary>{t.kindsHeading}</summary>
        <dl class="facts">
          {watchdogKinds.map((k) => (
            <>
              <dt>{t.kinds[k]}</dt>
              <dd>{t.kindHelp[k]}</dd>
            </>
          ))}
        </dl>
      </details>
    </>
  );
}

function Runs(props: { ctx: PageContext; filters: WatchdogFilters; runs: RunsPage }) {
  const { ctx, filters, runs } = props;
  const t = sv.watchdog;
  return (
    <>
      <h2 id="korningar">{t.runs}</h2>
      <p>{t.runsIntro}</p>
      {runs.items.length === 0 ? (
        <p>{t.noRuns}</p>
      ) : (
        <table>
          <caption>{t.runsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colStarted}</th>
              <th scope="col">{t.colDuration}</th>
              <th scope="col">{t.colCases}</th>
              <th scope="col">{t.colTasks}</th>
              <th scope="col">{t.colEscalations}</th>
              <th scope="col">{t.colUnits}</th>
              <th scope="col">{t.colOpened}</th>
              <th scope="col">{t.colResolvedCount}</th>
              <th scope="col">{t.colOpenAfter}</th>
            </tr>
          </thead>
          <tbody>
            {runs.items.map((r) => (
              <tr>
                <th scope="row">
                  <Time at={r.startedAt} />
                </th>
                <td>{t.duration(r.durationMs)}</td>
                <td>{r.casesChecked}</td>
                <td>{r.tasksChecked}</td>
                <td>{r.escalationsChecked}</td>
                <td>{r.unitsChecked}</td>
                <td>{r.opened}</td>
                <td>{r.resolved}</td>
                <td>{r.openFindings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ListPager
        page={runs}
        href={(runsOffset) => `${watchdogUrl(ctx, { ...filters, runsOffset })}#korningar`}
        texts={{ pages: t.runPages, previous: t.previous, next: t.next, tooMany: t.tooMany }}
      />
    </>
  );
}

/**
 * Bevakning: what the watchdog found that has gone silent (coordinators: all; supervisors: their
 * units'), and its runs, the proof that it watches (admins see these only).
 */
export function WatchdogPage(props: { ctx: PageContext; filters: WatchdogFilters; units: UnitOption[]; findings?: FindingsPage; runs: RunsPage; ownUnitsOnly: boolean }) {
  const { ctx, filters, findings } = props;
  const t = sv.watchdog;
  return (
    <Layout ctx={{ ...ctx, current: 'watchdog' }} title={t.title}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {findings ? (
        <>
          {props.ownUnitsOnly && <p class="hint">{t.onlyYourUnits}</p>}
          <Filters ctx={ctx} filters={filters} units={props.units} />
          <Findings ctx={ctx} filters={filters} findings={findings} />
        </>
      ) : (
        <p>{t.introAdmin}</p>
      )}
      <Runs ctx={ctx} filters={filters} runs={props.runs} />
    </Layout>
  );
}
