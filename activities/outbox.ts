import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { ErrorCode } from '../domain/errors';
import type { EscalationView } from '../domain/messages';
import type { EscalationTarget } from '../domain/policy';
import type { NotificationKind } from './email';

/** The channel the outbox's sender listens on; it also polls, so a lost wake-up only delays. */
export const outboxChannel = 'samverkan_outbox';

/** One email to enqueue: what the sender needs to address and render it at send time. */
export interface NotificationInput {
  /** Same key, same email: enqueueing twice keeps the first row, and the sender mails it once. */
  idempotencyKey: string;
  taskId: string;
  kind: NotificationKind;
  target: EscalationTarget | 'unitInbox';
  stepTitle: string;
  level?: number;
  /** Tell another unit than the task's (the coordinators, while a task waits for consent). */
  recipientUnitCode?: string;
}

type Sql = Pool | PoolClient;

/**
 * The addressee, resolved at enqueue time from the task's unit (or the named one): one row, by
 * primary key and the unit code's unique index. $1 task id, $2 target, $3 recipient unit code.
 */
const recipientCte = `
  r AS (
    SELECT t.id AS task_id, u.id AS unit_id,
           CASE $2::text WHEN 'unitSupervisor' THEN u.supervisor_email WHEN 'unitHead' THEN u.head_email ELSE u.notification_email END AS recipient
      FROM task t
      -- LIMIT 1 keeps this a lookup by key (a plain join let the planner hash the whole unit table).
      JOIN LATERAL (
        SELECT * FROM unit WHERE id = CASE WHEN $3::text IS NULL THEN t.unit_id ELSE (SELECT id FROM unit WHERE code = $3::text) END LIMIT 1
      ) u ON true
     WHERE t.id = $1::text)`;

/** Inserts the pending row from `r` (nothing when the key exists) and wakes the sender in the same transaction. $4.. as below. */
const enqueueCte = `
  queued AS (
    INSERT INTO notification (id, idempotency_key, task_id, kind, recipient_email, unit_id, status, step_title, level, next_attempt_at)
    SELECT $4::uuid, $5::text, r.task_id, $6::text, r.recipient, r.unit_id, 'pending', $7::text, $8::int, now() FROM r
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id),
  woken AS (SELECT pg_notify('${outboxChannel}', '') FROM queued)`;

const enqueueParams = (n: NotificationInput) => [n.taskId, n.target, n.recipientUnitCode ?? null, randomUUID(), n.idempotencyKey, n.kind, n.stepTitle, n.level ?? null];

/** A task or unit that is not there: a unit the registry lacks cannot appear by retrying. */
async function missing(sql: Sql, taskId: string, recipientUnitCode: string | undefined): Promise<never> {
  if (recipientUnitCode) {
    const unit = await sql.query('SELECT 1 FROM unit WHERE code = $1', [recipientUnitCode]);
    if (unit.rowCount === 0) throw ApplicationFailure.nonRetryable(`unit ${recipientUnitCode} is not in the registry`, ErrorCode.UnitNotFound);
  }
  throw ApplicationFailure.retryable(`task ${taskId} is not recorded yet`, ErrorCode.TaskNotFound);
}

/**
 * Enqueues one email: one INSERT … SELECT (with the recipient's lookup) and the sender's wake-up.
 * Given a transaction's client, it commits or rolls back with whatever else that transaction writes.
 */
export async function enqueueNotification(sql: Sql, n: NotificationInput): Promise<void> {
  const res = await sql.query<{ found: number }>(
    `WITH ${recipientCte}, ${enqueueCte}
     SELECT (SELECT count(*) FROM r)::int AS found, (SELECT count(*) FROM woken)::int AS woken`,
    enqueueParams(n),
  );
  if (res.rows[0].found === 0) await missing(sql, n.taskId, n.recipientUnitCode);
}

/** One rung of a task's ladder, as the workflow names it. */
export interface EscalationFacts {
  escalationId: string;
  taskId: string;
  caseId: string;
  level: number;
  target: EscalationTarget;
  dueAt: string;
  /** Escalate to another unit than the task's (the coordinators, for a consent wait). */
  recipientUnitCode?: string;
}

export interface EscalateInput extends EscalationFacts {
  raisedAt: Date;
  notification: Omit<NotificationInput, 'taskId' | 'target' | 'recipientUnitCode'>;
}

/** The escalation and its email: $1..$8 as enqueueParams, then the escalation's id, case, level, target, due and raise times. */
export const escalateSql = `WITH ${recipientCte},
     raised AS (
       INSERT INTO escalation (id, task_id, case_id, level, target, recipient_email, unit_id, status, due_at, raised_at)
       SELECT $9::text, r.task_id, $10::text, $11::int, $12::text, r.recipient, r.unit_id, 'open', $13::timestamptz, $14::timestamptz FROM r
       ON CONFLICT (id) DO NOTHING
       RETURNING raised_at),
     earlier AS (SELECT raised_at FROM escalation WHERE id = $9::text),
     ${enqueueCte}
   SELECT (SELECT count(*) FROM r)::int AS found,
          COALESCE((SELECT raised_at FROM raised), (SELECT raised_at FROM earlier)) AS raised_at,
          (SELECT count(*) FROM woken)::int AS woken`;

export function escalateParams(e: EscalateInput): unknown[] {
  return [
    ...enqueueParams({ ...e.notification, taskId: e.taskId, target: e.target, recipientUnitCode: e.recipientUnitCode }),
    e.escalationId,
    e.caseId,
    e.level,
    e.target,
    new Date(e.dueAt),
    e.raisedAt,
  ];
}

/**
 * Raises one escalation and enqueues its email in ONE statement, so one transaction: both rows
 * or neither. A retry finds both keys taken and answers with the first raise's time.
 */
export async function raiseEscalationWithEmail(sql: Sql, e: EscalateInput): Promise<EscalationView> {
  const res = await sql.query<{ found: number; raised_at: Date | null }>(escalateSql, escalateParams(e));
  const row = res.rows[0];
  if (row.found === 0 || !row.raised_at) return missing(sql, e.taskId, e.recipientUnitCode);
  return { id: e.escalationId, level: e.level, target: e.target, status: 'open', raisedAt: row.raised_at.toISOString() };
}
