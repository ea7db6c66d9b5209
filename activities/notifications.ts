import { createHash } from 'node:crypto';
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

export function createNotificationActivities({ prisma, mailer, clock, config }: ActivityDeps) {
  return {
    async notify(input: NotifyInput): Promise<{ status: 'sent' | 'already-sent'; notificationId: string }> {
      const task = await prisma.task.findUniqueOrThrow({ where: { id: input.taskId }, include: { unit: true } });
      const unit = input.recipientUnitCode ? await prisma.unit.findUniqueOrThrow({ where: { code: input.recipientUnitCode } }) : task.unit;
      const recipient = recipientFor(unit, input.target);
      const row = await prisma.notification.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: {
          idempotencyKey: input.idempotencyKey,
          taskId: input.taskId,
          kind: input.kind,
          recipientEmail: recipient,
          status: 'pending',
        },
        update: { attempts: { increment: 0 } },
      });
      if (row.status === 'sent') return { status: 'already-sent', notificationId: row.id };

      const { subject, text } = renderEmail({
        kind: input.kind,
        caseId: task.caseId,
        taskId: task.id,
        stepTitle: input.stepTitle,
        dueAt: task.dueAt,
        level: input.level,
        appBaseUrl: config.appBaseUrl,
        timeZone: config.timeZone,
      });
      // A stable Message-ID lets the receiving side drop a duplicate if a crash hits between send and record.
      const messageId = `<${createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 32)}@samverkan>`;
      await prisma.notification.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
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
        const reason = err instanceof Error ? `${err.name}: ${(err as { code?: string }).code ?? ''}`.trim() : 'unknown';
        await prisma.notification.update({ where: { id: row.id }, data: { lastError: reason.slice(0, 500) } });
        throw err;
      }
      await prisma.notification.update({
        where: { id: row.id },
        data: { status: 'sent', sentAt: clock.now(), messageId, lastError: null },
      });
      return { status: 'sent', notificationId: row.id };
    },
  };
}
