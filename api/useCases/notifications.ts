import type { z } from 'zod';
import type { Prisma } from '../../prisma/client';
import type { ApiDeps } from '../context';
import type { notificationListQuery } from '../querySchemas';
import { pageOfRows } from './page';

/**
 * Notifications for supervisors to watch: `failing` ones have failed several sends in a row and
 * are still being retried with backoff; they leave the list once the mail server takes them.
 */
/** `addressed`: emails addressed to the caller's units, as api/caseSharing.ts addressedToWhere filters them (empty: every unit, for coordinators). */
export async function listNotifications({ prisma }: ApiDeps, addressed: Prisma.NotificationWhereInput, query: z.infer<typeof notificationListQuery>) {
  const where: Prisma.NotificationWhereInput = {
    ...(query.status === 'all' ? {} : { status: query.status }),
    AND: [addressed],
  };
  const page = await pageOfRows(
    query,
    (take) => prisma.notification.count({ where, take }),
    prisma.notification.findMany({
      where,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: query.limit,
      skip: query.offset,
      include: { task: { select: { caseId: true } }, unit: { select: { code: true } } },
    }),
  );
  return {
    ...page,
    items: page.items.map((n) => ({
      notificationId: n.id,
      kind: n.kind,
      status: n.status as 'pending' | 'sending' | 'failing' | 'sent',
      attempts: n.attempts,
      lastError: n.lastError,
      taskId: n.taskId,
      caseId: n.task?.caseId ?? null,
      unit: n.unit?.code ?? null,
      createdAt: n.createdAt.toISOString(),
      sentAt: n.sentAt?.toISOString() ?? null,
      links: n.task ? { case: `/cases/${n.task.caseId}` } : ({} as { case?: string }),
    })),
  };
}
