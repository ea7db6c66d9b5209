import { formatDateTime } from '../format';
import { count, sv } from '../../domain/catalog';
import { Layout, type PageContext } from './layout';
import { personLabel } from './person';

export interface AuditFilters {
  actor: string;
  caseId: string;
  action: string;
  offset: number;
}

export interface AuditRowView {
  id: string;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  status: number | null;
  caseId: string | null;
  taskId: string | null;
  sourceAddress: string | null;
  phase: 'intent' | 'result' | null;
}

/** An action's Swedish name, or undefined for one without (a code from an older version). */
export function actionLabel(code: string): string | undefined {
  return Object.hasOwn(sv.auditActions, code) ? sv.auditActions[code] : undefined;
}

/** The filter's choices: every named action by its name (Swedish order); a code the URL carries that has no name is kept, after them. */
export function actionChoices(chosen: string): { code: string; label: string }[] {
  const named = Object.entries(sv.auditActions)
    .map(([code, label]) => ({ code, label }))
    .sort((a, b) => a.label.localeCompare(b.label, 'sv'));
  return chosen && actionLabel(chosen) === undefined ? [...named, { code: chosen, label: chosen }] : named;
}

export function AuditPage(props: { ctx: PageContext; filters: AuditFilters; data: { total: number; totalCapped: boolean; limit: number; offset: number; items: AuditRowView[] } }) {
  const { ctx, filters, data } = props;
  const t = sv.audit;
  const next = new URLSearchParams({ ...(filters.actor ? { actor: filters.actor } : {}), ...(filters.caseId ? { caseId: filters.caseId } : {}), ...(filters.action ? { action: filters.action } : {}), offset: String(data.offset + data.limit) });
  return (
    <Layout ctx={{ ...ctx, current: 'audit' }} title={t.title}>
      <h1>{t.title}</h1>
      <form class="filters" method="get" action={`${ctx.base}/granskning`}>
        <fieldset>
          <legend>{t.filters}</legend>
          <div class="field">
            <label for="g-actor">{t.actor}</label>
            <input id="g-actor" name="actor" type="text" value={filters.actor} />
          </div>
          <div class="field">
            <label for="g-case">{t.caseId}</label>
            <input id="g-case" name="caseId" type="text" value={filters.caseId} />
          </div>
          <div class="field">
            <label for="g-action">{t.action}</label>
            <select id="g-action" name="action">
              <option value="">{t.anyAction}</option>
              {actionChoices(filters.action).map((a) => (
                <option value={a.code} selected={filters.action === a.code}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t.apply}</button>
        </fieldset>
      </form>
      <h2>{`${count(data.total, t.rows)}${data.totalCapped ? '+' : ''}`}</h2>
      {data.items.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <table>
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colAt}</th>
              <th scope="col">{t.colActor}</th>
              <th scope="col">{t.colAction}</th>
              <th scope="col">{t.colStatus}</th>
              <th scope="col">{t.colCase}</th>
              <th scope="col">{t.colTask}</th>
              <th scope="col">{t.colFrom}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((r) => (
              <tr>
                <td>
                  <time datetime={r.at}>{formatDateTime(r.at)}</time>
                </td>
                <td>{personLabel(r.actor, r.actorName, ctx.principal?.sub)}</td>
                <td>
                  {actionLabel(r.action) ?? null}
                  {/* The code stays in sight: the API, its exports and the filter's URL use it. */}
                  <code class={actionLabel(r.action) === undefined ? undefined : 'action-code'}>{r.action}</code>
                </td>
                <td>{r.phase === 'intent' ? t.intent : (r.status ?? '–')}</td>
                <td>{r.caseId ?? '–'}</td>
                <td>{r.taskId ?? '–'}</td>
                <td>{r.sourceAddress ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.offset + data.items.length < data.total && (
        <p>
          <a href={`${ctx.base}/granskning?${next.toString()}`}>{t.next}</a>
        </p>
      )}
    </Layout>
  );
}
