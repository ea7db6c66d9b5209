import { caseTypes } from '../../domain/policy';
import { duration, formatDateTime } from '../format';
import { count, named, sv } from '../../domain/catalog';
import { Layout, type PageContext } from './layout';
import { personLabel } from './person';

export interface InboxFilters {
  status: 'open' | 'completed' | 'all';
  overdue: boolean;
  /** YYYY-MM-DD as typed, or empty. */
  dueBefore: string;
  caseType: string;
  unit: string;
  /** Only the tasks the caller holds (claimed, or assigned to them). */
  mine: boolean;
  offset: number;
}

export interface InboxItem {
  taskId: string;
  caseId: string;
  caseType: string;
  stepKey: string;
  unit: string;
  status: string;
  dueAt: string;
  overdue: boolean;
  overdueSeconds: number;
  /** Who holds the task; null when the unit's staff share it. */
  assignee: string | null;
  /** The holder's name in the staff directory; null when it has none. */
  assigneeName: string | null;
  protectedIdentity: { marker: string } | null;
}

export interface InboxData {
  total: number;
  totalCapped: boolean;
  limit: number;
  offset: number;
  items: InboxItem[];
}

/** The query string of a filter set (what the URL keeps, so back returns to it). */
export function inboxQuery(f: InboxFilters, offset = f.offset): string {
  const q = new URLSearchParams();
  q.set('status', f.status);
  if (f.overdue) q.set('overdue', 'true');
  if (f.dueBefore) q.set('dueBefore', f.dueBefore);
  if (f.caseType) q.set('caseType', f.caseType);
  if (f.unit) q.set('unit', f.unit);
  if (f.mine) q.set('mine', 'true');
  if (offset) q.set('offset', String(offset));
  return q.toString();
}

/** "Försenad" in words and by an icon with the same text for a screen reader: never by colour alone. */
export function OverdueMark(props: { seconds: number }) {
  return (
    <span class="overdue">
      <span class="overdue-icon" aria-hidden="true">
        ⚠
      </span>{' '}
      {props.seconds >= 1 ? sv.overdueBy(duration(props.seconds)) : sv.overdue}
    </span>
  );
}

export function Due(props: { at: string; overdue: boolean; overdueSeconds: number }) {
  return (
    <>
      <time datetime={props.at}>{formatDateTime(props.at)}</time>
      {props.overdue && (
        <>
          <br />
          <OverdueMark seconds={props.overdueSeconds} />
        </>
      )}
    </>
  );
}

export function InboxTable(props: { ctx: PageContext; data: InboxData; filters: InboxFilters }) {
  const { ctx, data, filters } = props;
  const t = sv.inbox;
  const here = `${ctx.base}/inkorg`;
  return (
    <section id="uppgifter" aria-labelledby="uppgifter-rubrik">
      <h2 id="uppgifter-rubrik">{`${count(data.total, t.tasks)}${data.totalCapped ? '+' : ''}`}</h2>
      {data.items.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <table>
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colTask}</th>
              <th scope="col">{t.colCase}</th>
              <th scope="col">{t.colUnit}</th>
              <th scope="col">{t.colDue}</th>
              <th scope="col">{t.colStatus}</th>
              <th scope="col">{t.colHolder}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr>
                <td>
                  <a href={`${ctx.base}/arenden/${encodeURIComponent(item.caseId)}/uppgifter/${encodeURIComponent(item.taskId)}`}>{named(sv.steps, item.stepKey)}</a>
                </td>
                <td>
                  <a href={`${ctx.base}/arenden/${encodeURIComponent(item.caseId)}`}>{item.caseId}</a>
                  <br />
                  {named(sv.caseTypes, item.caseType)}
                  {item.protectedIdentity && (
                    <>
                      <br />
                      <span class="protected-tag">{sv.caseView.protected}</span>
                    </>
                  )}
                </td>
                <td>{named(sv.units, item.unit)}</td>
                <td>
                  <Due at={item.dueAt} overdue={item.overdue} overdueSeconds={item.overdueSeconds} />
                </td>
                <td>{named(sv.taskStatuses, item.status)}</td>
                <td>{item.assignee ? personLabel(item.assignee, item.assigneeName, ctx.principal?.sub) : t.unitShares}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(data.offset > 0 || data.offset + data.items.length < data.total) && (
        <nav aria-label={t.pages} class="pager">
          {data.offset > 0 && <a href={`${here}?${inboxQuery(filters, Math.max(0, data.offset - data.limit))}`}>{t.previous}</a>}{' '}
          {data.offset + data.items.length < data.total && <a href={`${here}?${inboxQuery(filters, data.offset + data.limit)}`}>{t.next}</a>}
        </nav>
      )}
    </section>
  );
}

export function InboxPage(props: { ctx: PageContext; data: InboxData; filters: InboxFilters; units: string[]; notice?: string }) {
  const { ctx, filters } = props;
  const t = sv.inbox;
  return (
    <Layout ctx={{ ...ctx, current: 'inbox' }} title={t.title}>
      <h1>{t.title}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {/* A plain GET form (works without JavaScript); htmx swaps only the list and keeps the filters in the URL. */}
      <form class="filters" method="get" action={`${ctx.base}/inkorg`} hx-get={`${ctx.base}/inkorg`} hx-target="#uppgifter" hx-select="#uppgifter" hx-swap="outerHTML" hx-push-url="true">
        <fieldset>
          <legend>{t.filters}</legend>
          <label for="f-status">{t.status}</label>
          <select id="f-status" name="status">
            {(['open', 'completed', 'all'] as const).map((s) => (
              <option value={s} selected={filters.status === s}>
                {s === 'open' ? t.statusOpen : s === 'completed' ? t.statusCompleted : t.statusAll}
              </option>
            ))}
          </select>
          <label for="f-casetype">{t.caseType}</label>
          <select id="f-casetype" name="caseType">
            <option value="">{t.anyCaseType}</option>
            {caseTypes.map((c) => (
              <option value={c} selected={filters.caseType === c}>
                {named(sv.caseTypes, c)}
              </option>
            ))}
          </select>
          {props.units.length > 1 && (
            <>
              <label for="f-unit">{t.unit}</label>
              <select id="f-unit" name="unit">
                <option value="">{t.anyUnit}</option>
                {props.units.map((u) => (
                  <option value={u} selected={filters.unit === u}>
                    {named(sv.units, u)}
                  </option>
                ))}
              </select>
            </>
          )}
          <label for="f-due">{t.dueBefore}</label>
          <input id="f-due" name="dueBefore" type="date" value={filters.dueBefore} />
          <span class="checkbox">
            <input id="f-mine" name="mine" type="checkbox" value="true" checked={filters.mine} />
            <label for="f-mine">{t.mineOnly}</label>
          </span>
          <span class="checkbox">
            <input id="f-overdue" name="overdue" type="checkbox" value="true" checked={filters.overdue} />
            <label for="f-overdue">{t.overdueOnly}</label>
          </span>
          <button type="submit">{t.apply}</button>
        </fieldset>
      </form>
      <InboxTable ctx={ctx} data={props.data} filters={filters} />
    </Layout>
  );
}
