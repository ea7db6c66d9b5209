import { WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import { ErrorCode } from '../../domain/errors';
import { completeTaskUpdate, extendDeadlineUpdate, type TaskStatus, type TaskView } from '../../domain/messages';
import type { CaseType } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { pageOfRows } from './page';
import type { Prisma } from '../../prisma/client';
import type { completeTaskBody, extendDeadlineBody, taskListQuery, TaskSearchQuery } from '../schemas';

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

/** Tasks in the given units (every unit when `units` is undefined), filtered, sorted by due date. */
export async function listTasks({ prisma }: ApiDeps, units: string[] | undefined, query: TaskSearchQuery) {
  const now = new Date();
  const where: Prisma.TaskWhereInput = {
    ...(units ? { unit: { code: { in: units } } } : {}),
    ...(query.status === 'all' ? {} : { status: query.status }),
    ...(query.caseType ? { case: { caseType: query.caseType } } : {}),
    ...(query.overdue === true ? { status: 'open', dueAt: { lt: now } } : {}),
    ...(query.overdue === false ? { NOT: { status: 'open', dueAt: { lt: now } } } : {}),
  };
  if (query.dueBefore) {
    const before = new Date(query.dueBefore);
    where.AND = [{ dueAt: { lt: before } }];
  }
  const page = await pageOfRows(
    query,
    (take) => prisma.task.count({ where, take }),
    prisma.task.findMany({
      where,
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: query.limit,
      skip: query.offset,
      include: { unit: { select: { code: true } }, case: { select: { caseType: true } } },
    }),
  );
  return {
    ...page,
    items: page.items.map((t) => ({
      taskId: t.id,
      caseId: t.caseId,
      caseType: t.case.caseType as CaseType,
      stepKey: t.stepKey,
      unit: t.unit.code,
      status: t.status as TaskStatus,
      dueAt: t.dueAt.toISOString(),
      overdue: t.status === 'open' && t.dueAt.getTime() < now.getTime(),
      links: { case: `/cases/${t.caseId}`, complete: `/tasks/${t.id}/complete` },
    })),
  };
}

export async function listUnitTasks(deps: ApiDeps, unitCode: string, query: z.infer<typeof taskListQuery>) {
  const unit = await deps.prisma.unit.findUnique({ where: { code: unitCode }, select: { id: true } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  return { unit: unitCode, ...(await listTasks(deps, [unitCode], query)) };
}
