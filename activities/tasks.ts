import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { computeDueAt, planDeadline, type DeadlinePlan } from '../domain/deadlines';
import { ErrorCode } from '../domain/errors';
import type { ConsentGate, TaskClock } from '../domain/messages';
import type { StepPolicy } from '../domain/policy';
import { sqlPool } from '../prisma/client';
import type { ActivityDeps } from './deps';
import { outboxChannel, type NotificationInput } from './outbox';
import { findUnit } from './units';

export interface OpenTaskInput {
  taskId: string;
  caseId: string;
  stepKey: string;
  unitCode: string;
  startAt: string;
  step: StepPolicy;
  timeZone: string;
}

/** The wait's ladder when the policy names none: the wait unit's supervisor as it lapses. */
const defaultWaitLadder: StepPolicy['escalation'] = [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }];

export function createTaskActivities({ prisma, clock }: ActivityDeps) {
  return {
    /**
     * Computes the deadline plan and records the open task; idempotent on retry. A task that
     * waited for consent becomes open here, with its deadline counted from the consent.
     */
    async openTask(
      input: OpenTaskInput & {
        consent?: ConsentGate;
        clock?: TaskClock;
        dueAt?: string;
        openReason?: string;
        openedBy?: string;
        /** The "assigned" emails, enqueued in the opening's transaction (escalation-outbox). */
        notifications?: Array<Pick<NotificationInput, 'idempotencyKey' | 'kind' | 'target' | 'stepTitle'>>;
      },
    ): Promise<DeadlinePlan> {
      const calendar = { timeZone: input.timeZone };
      const startAt = new Date(input.startAt);
      // A due time the case sets (a re-confirmation due when the consent ends) wins over the step's rule.
      const dueAt = input.dueAt ? new Date(input.dueAt) : computeDueAt(input.step.deadline, startAt, calendar);
      const plan = planDeadline({ startAt, dueAt, reminders: input.step.reminders, escalation: input.step.escalation, calendar });
      const notifications = input.notifications ?? [];
      // One statement, so one transaction: the new task (or the waiting one opened, its consent-wait
      // escalations resolved) and its "assigned" emails. A retry finds the task open and adds nothing.
      const opened = await sqlPool(prisma).query<{ unit_found: number }>(
        `WITH u AS (SELECT id FROM unit WHERE code = $1::text),
           opened AS (
             INSERT INTO task (id, case_id, step_key, unit_id, status, started_at, due_at, original_due_at, clock_from, clock_from_ref,
                               legal_basis, consent_agency, consent_purpose, open_reason, opened_by, updated_at)
             SELECT $2::text, $3::text, $4::text, u.id, 'open', $5::timestamptz, $6::timestamptz, $6::timestamptz, $7::text, $8::text,
                    $9::text, $10::text, $11::text, $12::text, $13::text, now()
               FROM u
             ON CONFLICT (id) DO UPDATE
               SET status = 'open', started_at = EXCLUDED.started_at, due_at = EXCLUDED.due_at, original_due_at = EXCLUDED.original_due_at,
                   clock_from = CASE WHEN $7::text IS NULL THEN task.clock_from ELSE EXCLUDED.clock_from END,
                   clock_from_ref = CASE WHEN $7::text IS NULL THEN task.clock_from_ref ELSE EXCLUDED.clock_from_ref END,
                   updated_at = now()
               WHERE task.status = 'waiting-for-consent'
             -- xmax is set on the row an upsert updated, zero on one it inserted: was the task waiting?
             RETURNING id, unit_id, xmax <> 0 AS was_waiting),
           resolved AS (
             UPDATE escalation SET status = 'resolved', resolved_at = $14::timestamptz
              WHERE task_id = $2::text AND status = 'open' AND EXISTS (SELECT 1 FROM opened WHERE was_waiting)),
           queued AS (
             INSERT INTO notification (id, idempotency_key, task_id, kind, recipient_email, unit_id, status, step_title, next_attempt_at)
             SELECT n.id, n.key, o.id, n.kind,
                    CASE n.target WHEN 'unitSupervisor' THEN un.supervisor_email WHEN 'unitHead' THEN un.head_email ELSE un.notification_email END,
                    un.id, 'pending', n.step_title, now()
               FROM opened o
               JOIN unit un ON un.id = o.unit_id
              CROSS JOIN unnest($15::uuid[], $16::text[], $17::text[], $18::text[], $19::text[]) AS n(id, key, kind, target, step_title)
             ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING id),
           woken AS (SELECT pg_notify('${outboxChannel}', '') FROM queued LIMIT 1)
         SELECT (SELECT count(*) FROM u)::int AS unit_found, (SELECT count(*) FROM woken)::int AS woken`,
        [
          input.unitCode,
          input.taskId,
          input.caseId,
          input.stepKey,
          startAt,
          dueAt,
          input.clock?.from ?? null,
          input.clock ? (input.clock.ref ?? null) : null,
          input.step.legalBasis ?? null,
          input.consent?.agency ?? null,
          input.consent?.purpose ?? null,
          input.openReason ?? null,
          input.openedBy ?? null,
          clock.now(),
          notifications.map(() => randomUUID()),
          notifications.map((n) => n.idempotencyKey),
          notifications.map((n) => n.kind),
          notifications.map((n) => n.target),
          notifications.map((n) => n.stepTitle),
        ],
      );
      // Retrying cannot create a unit: the policy names one the registry lacks.
      if (opened.rows[0].unit_found === 0) throw ApplicationFailure.nonRetryable(`unit ${input.unitCode} is not in the registry`, ErrorCode.UnitNotFound);
      return plan;
    },

    /** Records a task that waits for consent, due by the step's own wait deadline. */
    async openWaitingTask(input: OpenTaskInput): Promise<DeadlinePlan> {
      const gate = input.step.consent;
      if (!gate) throw ApplicationFailure.nonRetryable('the step needs no consent', ErrorCode.ValidationFailed);
      const unit = await findUnit(prisma, input.unitCode);
      const calendar = { timeZone: input.timeZone };
      const startAt = new Date(input.startAt);
      const dueAt = computeDueAt(gate.waitDeadline, startAt, calendar);
      await prisma.task.upsert({
        where: { id: input.taskId },
        create: {
          id: input.taskId,
          caseId: input.caseId,
          stepKey: input.stepKey,
          unitId: unit.id,
          status: 'waiting-for-consent',
          startedAt: startAt,
          dueAt,
          originalDueAt: dueAt,
          consentAgency: gate.agency,
          consentPurpose: gate.purpose,
        },
        update: {},
      });
      return planDeadline({ startAt, dueAt, reminders: [], escalation: gate.waitEscalation ?? defaultWaitLadder, calendar });
    },

    /** A task that ends without an outcome: not shared (consent refused) or closed with its case. */
    async recordTaskEnded(input: { taskId: string; status: 'not-shared' | 'closed'; endedAt: string }): Promise<void> {
      const at = new Date(input.endedAt);
      await prisma.$transaction([
        prisma.task.update({ where: { id: input.taskId }, data: { status: input.status, endedAt: at } }),
        prisma.escalation.updateMany({ where: { taskId: input.taskId, status: 'open' }, data: { status: 'resolved', resolvedAt: at } }),
      ]);
    },

    /**
     * A supervisor moved the task: it is the new unit's from now on (reminders, escalations and
     * emails read the unit from this row), held by nobody there yet; its deadline stays.
     */
    async recordTaskReassigned(input: { taskId: string; unitCode: string }): Promise<void> {
      const unit = await findUnit(prisma, input.unitCode);
      await prisma.task.update({ where: { id: input.taskId }, data: { unitId: unit.id, assignee: null, assignedAt: null } });
    },

    /** Withdrawal keeps the task and everything about it; it only ends the sharing. */
    async recordTaskWithdrawn(input: { taskId: string; withdrawnAt: string }): Promise<void> {
      const at = new Date(input.withdrawnAt);
      await prisma.$transaction([
        prisma.task.update({ where: { id: input.taskId }, data: { status: 'withdrawn', withdrawnAt: at } }),
        prisma.escalation.updateMany({ where: { taskId: input.taskId, status: 'open' }, data: { status: 'resolved', resolvedAt: at } }),
      ]);
    },

    /** Records an extension (old due, new due, justification) and re-plans the timers from now. */
    async extendTask(input: {
      taskId: string;
      sequence: number;
      previousDueAt: string;
      newDueAt: string;
      justification: string;
      extendedBy: string;
      startAt: string;
      step: StepPolicy;
      timeZone: string;
    }): Promise<DeadlinePlan> {
      const newDueAt = new Date(input.newDueAt);
      await prisma.$transaction([
        prisma.deadlineExtension.upsert({
          where: { taskId_sequence: { taskId: input.taskId, sequence: input.sequence } },
          create: {
            taskId: input.taskId,
            sequence: input.sequence,
            previousDueAt: new Date(input.previousDueAt),
            newDueAt,
            justification: input.justification,
            extendedBy: input.extendedBy,
          },
          update: {},
        }),
        prisma.task.update({ where: { id: input.taskId }, data: { dueAt: newDueAt } }),
      ]);
      return planDeadline({
        startAt: new Date(input.startAt),
        dueAt: newDueAt,
        reminders: input.step.reminders,
        escalation: input.step.escalation,
        calendar: { timeZone: input.timeZone },
      });
    },

    /** Completing resolves the task's open escalations: the work they chased is done. */
    async recordTaskCompleted(input: {
      taskId: string;
      outcome: string;
      note?: string;
      completedBy: string;
      completedAt: string;
    }): Promise<void> {
      const completedAt = new Date(input.completedAt);
      await prisma.$transaction([
        prisma.task.update({
          where: { id: input.taskId },
          data: { status: 'completed', outcome: input.outcome, note: input.note ?? null, completedBy: input.completedBy, completedAt },
        }),
        prisma.escalation.updateMany({
          where: { taskId: input.taskId, status: 'open' },
          data: { status: 'resolved', resolvedAt: completedAt },
        }),
      ]);
    },
  };
}
