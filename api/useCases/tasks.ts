import { WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import { ErrorCode } from '../../domain/errors';
import { completeTaskUpdate, extendDeadlineUpdate, type TaskView } from '../../domain/messages';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { completeTaskBody, extendDeadlineBody, taskListQuery } from '../schemas';

/** The read model answers "exists?" and "already done?" without touching Temporal. */
async function openTaskOrThrow({ prisma }: ApiDeps, taskId: string) {
  const task = await prisma.task.findUnique({ where: { id: taskId }, select: { id: true, status: true } });
  if (!task) throw new AppError(ErrorCode.TaskNotFound, 'no such task');
  if (task.status === 'completed') throw new AppError(ErrorCode.TaskAlreadyDone, 'the task is already completed');
  return task;
}

/** A task workflow that closed between our read and the update was completed meanwhile. */
function closedMeansDone(err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new AppError(ErrorCode.TaskAlreadyDone, 'the task is already completed');
  throw err;
}

export async function completeTask(
  deps: ApiDeps,
  taskId: string,
  body: z.infer<typeof completeTaskBody>,
  actor: string,
): Promise<TaskView> {
  await openTaskOrThrow(deps, taskId);
  return deps.temporal.workflow
    .getHandle(taskId)
    .executeUpdate(completeTaskUpdate, { args: [{ ...body, actor }] })
    .catch(closedMeansDone);
}

export async function extendDeadline(
  deps: ApiDeps,
  taskId: string,
  body: z.infer<typeof extendDeadlineBody>,
  actor: string,
): Promise<TaskView> {
  await openTaskOrThrow(deps, taskId);
  return deps.temporal.workflow
    .getHandle(taskId)
    .executeUpdate(extendDeadlineUpdate, { args: [{ ...body, actor }] })
    .catch(closedMeansDone);
}

export async function listUnitTasks({ prisma }: ApiDeps, unitCode: string, query: z.infer<typeof taskListQuery>) {
  const unit = await prisma.unit.findUnique({ where: { code: unitCode }, select: { id: true } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  const where = { unitId: unit.id, ...(query.status === 'all' ? {} : { status: query.status }) };
  const [total, rows] = await Promise.all([
    prisma.task.count({ where }),
    prisma.task.findMany({ where, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
  ]);
  const now = Date.now();
  return {
    unit: unitCode,
    total,
    limit: query.limit,
    offset: query.offset,
    items: rows.map((t) => ({
      taskId: t.id,
      caseId: t.caseId,
      stepKey: t.stepKey,
      status: t.status,
      dueAt: t.dueAt.toISOString(),
      overdue: t.status === 'open' && t.dueAt.getTime() < now,
      links: { case: `/cases/${t.caseId}`, complete: `/tasks/${t.id}/complete` },
    })),
  };
}
