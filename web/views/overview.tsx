import { formatDateTime } from '../format';
import { named, sv } from '../../domain/catalog';
import { Csrf, Layout, type PageContext } from './layout';

export interface OverviewData {
  escalations: Array<{ escalationId: string; taskId: string; caseId: string; level: number; raisedAt: string; stepKey?: string }>;
  report: Array<{ unit: string; step: string; open: number; overdue: number }>;
  failing: Array<{ notificationId: string; kind: string; attempts: number; caseId: string | null; taskId: string | null }>;
  /** The watchdog's open findings the caller sees (watchdog.findings); absent when it answered nothing. */
  watchdog?: { open: number; capped: boolean };
}

/** `reportCsv`: where the report downloads as CSV (report.csv), for the roles that may have it. */
export function OverviewPage(props: { ctx: PageContext; data: OverviewData; notice?: string; canAcknowledge: boolean; reportCsv?: string }) {
  const { ctx, data } = props;
  const t = sv.overview;
  const inbox = (unit: string, overdue: boolean) => `${ctx.base}/inkorg?status=open${overdue ? '&overdue=true' : ''}&unit=${encodeURIComponent(unit)}`;
  const rows = data.report.filter((r) => r.open > 0 || r.overdue > 0);
  return (
    <Layout ctx={{ ...ctx, current: 'overview' }} title={t.title}>
      <h1>{t.title}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <h2>{t.escalations}</h2>
      {data.escalations.length === 0 ? (
        <p>{t.noEscalations}</p>
      ) : (
        <table>
          <caption>{t.escalationCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colTask}</th>
              <th scope="col">{t.colCase}</th>
              <th scope="col">{t.colLevel}</th>
              <th scope="col">{t.colRaised}</th>
              {props.canAcknowledge && <th scope="col">{t.colAction}</th>}
            </tr>
          </thead>
          <tbody>
            {data.escalations.map((e) => {
              const step = named(sv.steps, e.stepKey);
              return (
                <tr>
                  <td>
                    <a href={`${ctx.base}/arenden/${encodeURIComponent(e.caseId)}/uppgifter/${encodeURIComponent(e.taskId)}`}>{step}</a>
                  </td>
                  <td>
                    <a href={`${ctx.base}/arenden/${encodeURIComponent(e.caseId)}`}>{e.caseId}</a>
                  </td>
                  <td>{e.level}</td>
                  <td>
                    <time datetime={e.raisedAt}>{formatDateTime(e.raisedAt)}</time>
                  </td>
                  {props.canAcknowledge && (
                    <td>
                      <form method="post" action={`${ctx.base}/oversikt/eskaleringar/${encodeURIComponent(e.escalationId)}/kvittera`}>
                        <Csrf ctx={ctx} />
                        <button type="submit" aria-label={t.acknowledgeLabel(step, e.caseId)}>
                          {t.acknowledge}
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>{t.overdue}</h2>
      {rows.length === 0 ? (
        <p>{t.noOverdue}</p>
      ) : (
        <table>
          <caption>{t.overdueCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colUnit}</th>
              <th scope="col">{t.colStep}</th>
              <th scope="col">{t.colOverdue}</th>
              <th scope="col">{t.colOpen}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{named(sv.units, r.unit)}</td>
                <td>{named(sv.steps, r.step)}</td>
                <td>
                  <a href={inbox(r.unit, true)} aria-label={t.overdueLink(r.overdue, named(sv.steps, r.step), named(sv.units, r.unit))}>
                    {r.overdue}
                  </a>
                </td>
                <td>
                  <a href={inbox(r.unit, false)} aria-label={t.openLink(r.open, named(sv.steps, r.step), named(sv.units, r.unit))}>
                    {r.open}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.reportCsv && (
        <p>
          <a href={props.reportCsv} download>
            {t.downloadReport}
          </a>
        </p>
      )}
      <h2>{t.failing}</h2>
      {data.failing.length === 0 ? (
        <p>{t.noFailing}</p>
      ) : (
        <ul>
          {data.failing.map((n) => (
            <li>
              {t.failingLine(named(sv.notificationKinds, n.kind), n.attempts)}
              {n.caseId && (
                <>
                  {': '}
                  <a href={`${ctx.base}/arenden/${encodeURIComponent(n.caseId)}${n.taskId ? `/uppgifter/${encodeURIComponent(n.taskId)}` : ''}`}>{n.caseId}</a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {data.watchdog && (
        <>
          <h2>{sv.watchdog.overviewHeading}</h2>
          <p>
            {data.watchdog.open === 0 ? sv.watchdog.overviewNone : sv.watchdog.overviewOpen(data.watchdog.open, data.watchdog.capped)}{' '}
            <a href={`${ctx.base}/bevakning`}>{sv.watchdog.overviewLink}</a>
          </p>
        </>
      )}
    </Layout>
  );
}
