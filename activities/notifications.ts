import { createHash } from 'node:crypto';
import { sqlPool } from '../prisma/client';
import type { ActivityDeps } from './deps';
import { enqueueNotification, type NotificationInput } from './outbox';

export type NotifyInput = NotificationInput;

/** After this many refused sends a notification is listed as failing for supervisors (it keeps retrying). */
export const failingAfterAttempts = 3;

/** Stable per key, so a receiver can drop the one duplicate a crash inside the SMTP exchange can cause. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@samverkan>`;
}

export function createNotificationActivities({ prisma }: ActivityDeps) {
  const sql = () => sqlPool(prisma);
  return {
    /**
     * Enqueues one email for the outbox's sender (worker/outbox.ts). Kept under its old name for
     * tasks that started before escalation-outbox and still schedule it: they go through the
     * outbox too, and no activity sends mail any more.
     */
    async notify(input: NotifyInput): Promise<{ status: 'queued' }> {
      await enqueueNotification(sql(), input);
      return { status: 'queued' };
    },

    /** The same enqueue, run as a local activity by tasks from escalation-outbox on. */
    async enqueueNotification(input: NotifyInput): Promise<void> {
      await enqueueNotification(sql(), input);
    },
  };
}
