import type { TaskStatus } from '../../domain/messages';
import { ErrorCode } from '../../domain/errors';
import type { Prisma, PrismaClient } from '../../prisma/client';
import { AppError } from '../errors';
import type { TaskOwner } from '../views/taskOwner';

type Db = PrismaClient | Prisma.TransactionClient;

/** Who holds the task now, as claiming, releasing and assigning answer it. */
export async function taskOwner(db: Db, taskId: string): Promise<TaskOwner> {
  const t = await db.task.findUnique({
    where: { id: taskId },
    select: { id: true, caseId: true, status: true, assignee: true, assignedAt: true, dueAt: true, unit: { select: { code: true } } },
  });
  if (!t) throw new AppError(ErrorCode.TaskNotFound, 'no such task');
  return {
    taskId: t.id,
    caseId: t.caseId,
    unit: t.unit.code,
    status: t.status as TaskStatus,
    assignee: t.assignee,
    assignedAt: t.assignedAt?.toISOString() ?? null,
    dueAt: t.dueAt.toISOString(),
  };
}

/** Someone other than the caller holds the task. Their user id is no one's personal data in a case. */
export function claimedBy(assignee: string): AppError {
  return new AppError(ErrorCode.TaskClaimed, `the task is held by ${assignee}; they, or a supervisor of its unit, act on it`, { reason: 'claimed' });
}
