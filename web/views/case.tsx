import type { CaseBody } from '../../api/views/case';
import { formatDateTime } from '../format';
import { named, sv } from '../messages';
import { OverdueMark } from './inbox';
import { Layout, type PageContext } from './layout';

interface Event {
  at: string;
  text: string;
  /** The task the event belongs to, linked from it. */
  taskId?: string;
  overdueSeconds?: number;
}

/** The case as one timeline, oldest first: what happened, to which task, when. Only what the case view answered. */
export function timelineOf(c: CaseBody): Event[] {
  const e = sv.caseView.events;
  const events: Event[] = [{ at: c.createdAt, text: e.created }];
  for (const t of c.tasks) {
    const step = named(sv.steps, t.stepKey);
    events.push({ at: t.startedAt, text: e.taskStarted(step, named(sv.units, t.unit)), taskId: t.taskId, overdueSeconds: t.overdue ? t.overdueSeconds : undefined });
    if (t.completedAt && t.outcome) events.push({ at: t.completedAt, text: e.taskCompleted(step, named(sv.outcomes, t.outcome), t.completedBy ?? '–'), taskId: t.taskId });
    for (const x of t.extensions) events.push({ at: x.createdAt, text: `${e.extended(step, x.extendedBy)}: ${x.justification}`, taskId: t.taskId });
    for (const x of t.escalations) {
      events.push({ at: x.raisedAt, text: e.escalated(step, x.level), taskId: t.taskId });
      if (x.acknowledgedAt) events.push({ at: x.acknowledgedAt, text: e.acknowledged(x.acknowledgedBy ?? '–'), taskId: t.taskId });
    }
    for (const n of t.notifications) events.push({ at: n.createdAt, text: `${e.notified(named(sv.notificationKinds, n.kind))} (${named(sv.notificationStatuses, n.status)})`, taskId: t.taskId });
  }
  for (const c2 of c.consents) {
    events.push({ at: c2.givenAt, text: e.consent(c2.receivingAgency) });
    if (c2.withdrawnAt) events.push({ at: c2.withdrawnAt, text: e.consentWithdrawn(c2.receivingAgency) });
  }
  if (c.closedAt) events.push({ at: c.closedAt, text: e.closed });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

export function CasePage(props: { ctx: PageContext; caseBody: CaseBody }) {
  const { ctx, caseBody: c } = props;
  const v = sv.caseView;
  return (
    <Layout ctx={{ ...ctx, current: 'inbox' }} title={v.title(c.caseId)}>
      <h1>{v.title(c.caseId)}</h1>
      <h2>{v.facts}</h2>
      <dl class="facts">
        <dt>{v.type}</dt>
        <dd>{named(sv.caseTypes, c.caseType)}</dd>
        <dt>{v.status}</dt>
        <dd>{named(sv.caseStatuses, c.status)}</dd>
        <dt>{v.created}</dt>
        <dd>
          <time datetime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
        </dd>
      </dl>
      <h2>{v.timeline}</h2>
      <ol class="timeline">
        {timelineOf(c).map((ev) => (
          <li>
            <time datetime={ev.at}>{formatDateTime(ev.at)}</time>{' '}
            {ev.taskId ? <a href={`${ctx.base}/arenden/${encodeURIComponent(c.caseId)}/uppgifter/${encodeURIComponent(ev.taskId)}`}>{ev.text}</a> : ev.text}
            {ev.overdueSeconds !== undefined && (
              <>
                {' '}
                <OverdueMark seconds={ev.overdueSeconds} />
              </>
            )}
          </li>
        ))}
      </ol>
    </Layout>
  );
}
