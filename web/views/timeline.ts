import type { CaseBody } from '../../api/views/case';
import { named, sv } from '../../domain/catalog';
import { personLabel } from './person';

export interface Event {
  at: string;
  text: string;
  /** The task the event belongs to, linked from it. */
  taskId?: string;
  overdueSeconds?: number;
}

/** A closing or reopening (GET /cases/:caseId/events, coordinators only). */
export interface CaseEventItem {
  action: 'closed' | 'reopened';
  actor: string;
  /** The actor's name in the staff directory; null when it has none. */
  actorName: string | null;
  reasonText: string | null;
  fromStep: string | null;
  note: string | null;
  at: string;
}

/**
 * The case as one timeline, oldest first: what happened, to which task, when, and by whom ("Name (id)"
 * where the staff directory names them; `me` reads as the caller). Only what the case view answered.
 */
export function timelineOf(c: CaseBody, caseEvents: CaseEventItem[] | undefined, me: string | undefined): Event[] {
  const e = sv.caseView.events;
  const who = (id: string | null, name: string | null) => (id ? personLabel(id, name, me) : '–');
  const events: Event[] = [{ at: c.createdAt, text: e.created }];
  for (const t of c.tasks) {
    const step = named(sv.steps, t.stepKey);
    if (t.detail === 'summary') {
      // Another unit's task: its step, status and due date are all this caller may know.
      events.push({ at: t.dueAt, text: e.otherUnitTask(step, named(sv.taskStatuses, t.status)) });
      continue;
    }
    events.push({ at: t.startedAt, text: e.taskStarted(step, named(sv.units, t.unit)), taskId: t.taskId, overdueSeconds: t.overdue ? t.overdueSeconds : undefined });
    if (t.completedAt && t.outcome) events.push({ at: t.completedAt, text: e.taskCompleted(step, named(sv.outcomes, t.outcome), who(t.completedBy, t.completedByName)), taskId: t.taskId });
    for (const x of t.extensions) events.push({ at: x.createdAt, text: `${e.extended(step, who(x.extendedBy, x.extendedByName))}: ${x.justification}`, taskId: t.taskId });
    for (const x of t.escalations) {
      events.push({ at: x.raisedAt, text: e.escalated(step, x.level), taskId: t.taskId });
      if (x.acknowledgedAt) events.push({ at: x.acknowledgedAt, text: e.acknowledged(who(x.acknowledgedBy, x.acknowledgedByName)), taskId: t.taskId });
    }
    for (const n of t.notifications) events.push({ at: n.createdAt, text: `${e.notified(named(sv.notificationKinds, n.kind))} (${named(sv.notificationStatuses, n.status)})`, taskId: t.taskId });
  }
  for (const c2 of c.consents) {
    events.push({ at: c2.givenAt, text: (c2.status === 'refused' ? e.consentRefused : e.consent)(named(sv.agencies, c2.receivingAgency)) });
    if (c2.withdrawnAt) events.push({ at: c2.withdrawnAt, text: e.consentWithdrawn(named(sv.agencies, c2.receivingAgency)) });
  }
  if (caseEvents) {
    // Who closed and reopened, with the reasons: every closing, not only the last.
    for (const x of caseEvents) {
      events.push({
        at: x.at,
        text: x.action === 'closed' ? e.closedBy(x.reasonText ?? e.closed, who(x.actor, x.actorName)) : e.reopened(named(sv.steps, x.fromStep), who(x.actor, x.actorName), x.note ?? ''),
      });
    }
  } else if (c.closedAt) events.push({ at: c.closedAt, text: e.closed });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}
