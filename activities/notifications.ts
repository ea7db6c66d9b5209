import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ErrorCode } from '../domain/errors';
import type { EscalationTarget } from '../domain/policy';
import type { ActivityDeps } from './deps';
import { renderEmail, type NotificationKind } from './email';
import { recipientFor } from './tasks';

export interface NotifyInput {
  /** Same key, same email: a retried or replayed activity never mails twice once a send is recorded. */
  idempotencyKey: string;
  taskId: string;
  kind: NotificationKind;
  target: EscalationTarget | 'unitInbox';
  stepTitle: string;
  level?: number;
  /** Tell another unit than the task's (the coordinators, while a task waits for consent). */
  recipientUnitCode?: string;
}

/** After this many failed sends a notification is listed as failing for supervisors (it keeps retrying). */
export const failingAfterAttempts = 3;

/** Stable per key, so a receiver can drop the one duplicate a crash inside the SMTP exchange can cause. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@samverkan>`;
}

/** Who is sending and for how long: the activity attempt, leased for its start-to-close timeout. */
function currentAttempt(now: Date): { claimant: string; leaseUntil: Date } {
  try {
    const { workflowExecution, activityId, attempt, startToCloseTimeoutMs } = Context.current().info;
    return {
      claimant: `${workflowExecution?.workflowId ?? 'standalone'}/${activityId}#${attempt}`,
      leaseUntil: new Date(now.getTime() + startToCloseTimeoutMs),
    };
  } catch {
    // Called outside an activity (a script or unit test): one attempt, a 30 s lease.
    return { claimant: `direct-${process.pid}-${now.getTime()}`, leaseUntil: new Date(now.getTime() + 30_000) };
  }
}

export function createNotificationActivities({ prisma, mailer, clock, config }: ActivityDeps) {
  return {
    /**
     * Sends one email per idempotency key. Before sending, the attempt claims the row with a lease
     * (one conditional UPDATE), so two live attempts (say, one Temporal timed out but which still
     * runs) never send at once. Only when an attempt died inside the send and its lease lapsed does
     * a later attempt send again, with the same Message-ID: see README "Emails".
     */
    async notify(input: NotifyInput): Promise<{ status: 'sent' | 'already-sent'; notificationId: string }> {
      // The case's protected-identity flag is read here, from the read model, so no workflow carries it.
      const task = await prisma.task.findUniqueOrThrow({ where: { id: input.taskId }, include: { unit: true, case: { select: { protectedIdentityAt: true } } } });
      const unit = input.recipientUnitCode ? await prisma.unit.findUniqueOrThrow({ where: { code: input.recipientUnitCode } }) : task.unit;
      const recipient = recipientFor(unit, input.target);
      const row = await prisma.notification.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: {
          idempotencyKey: input.idempotencyKey,
          taskId: input.taskId,
          kind: input.kind,
          recipientEmail: recipient,
          unitId: unit.id,
          status: 'pending',
        },
        update: {},
      });
      if (row.status === 'sent') return { status: 'already-sent', notificationId: row.id };

      const now = clock.now();
      const { claimant, leaseUntil } = currentAttempt(now);
      const claimed = await prisma.notification.updateMany({
        where: {
          id: row.id,
          OR: [
            { status: { in: ['pending', 'failing'] } },
            { status: 'sending', claimedUntil: { lt: now } },
            { status: 'sending', claimedBy: claimant },
          ],
        },
        data: { status: 'sending', claimedBy: claimant, claimedUntil: leaseUntil, attempts: { increment: 1 } },
      });
      if (claimed.count === 0) {
        const current = await prisma.notification.findUniqueOrThrow({ where: { id: row.id } });
        if (current.status === 'sent') return { status: 'already-sent', notificationId: row.id };
        // Another attempt holds a live lease and may be mid-send: wait for it rather than send too.
        throw ApplicationFailure.retryable('another attempt is sending this notification', ErrorCode.NotificationInFlight);
      }

      const { subject, text } = renderEmail({
        kind: input.kind,
        caseId: task.caseId,
        taskId: task.id,
        stepTitle: input.stepTitle,
        stepKey: task.stepKey,
        dueAt: task.dueAt,
        level: input.level,
        protectedIdentity: task.case.protectedIdentityAt !== null,
        appBaseUrl: config.appBaseUrl,
        timeZone: config.timeZone,
      });
      const messageId = messageIdFor(input.idempotencyKey);
      try {
        await mailer.sendMail({
          from: config.mailFrom,
          to: recipient,
          subject,
          text,
          messageId,
          headers: { 'X-Samverkan-Notification': row.id },
        });
      } catch (err) {
        // Error name and SMTP code only: a server's message can quote addresses.
        // Duck-typed: socket errors come from Node's own realm, where instanceof Error can fail.
        const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
        const reason = `${typeof name === 'string' ? name : 'Error'}: ${typeof code === 'string' ? code : ''}`.trim();
        const attempts = row.attempts + 1;
        await prisma.notification.updateMany({
          where: { id: row.id, claimedBy: claimant },
          data: {
            status: attempts >= failingAfterAttempts ? 'failing' : 'pending',
            lastError: reason.slice(0, 500),
            claimedBy: null,
            claimedUntil: null,
          },
        });
        throw err;
      }
      await prisma.notification.update({
        where: { id: row.id },
        data: { status: 'sent', sentAt: clock.now(), messageId, lastError: null, claimedBy: null, claimedUntil: null },
      });
      return { status: 'sent', notificationId: row.id };
    },
  };
}
