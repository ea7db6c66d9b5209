import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { z } from 'zod';
import { ErrorCode } from '../../domain/errors';
import { completeTaskUpdate, extendDeadlineUpdate, type TaskStatus, type TaskView } from '../../domain/messages';
import type { CaseType } from '../../domain/policy';
import { whyNotOpen } from '../../domain/taskRefusals';
import { subjectFactsOf } from '../../domain/needToKnow';
import type { ApiDeps } from '../context';
import { AppError, isCodedFailure } from '../errors';
import { pageOfRows } from './page';
import type { Prisma } from '../../prisma/client';
import type { completeTaskBody, extendDeadlineBody } from '../schemas';
import type { taskListQuery, TaskSearchQuery } from '../querySchemas';
import { overdueSeconds } from '../views/task';
import { hasRole, type Principal } from '../../domain/auth';
import { recordNote } from './addNote';
import { claimedBy } from './taskOwner';
import { protectedIdentityView } from '../views/subject';
import { staffNames } from './staffNames';

const refusalFacts = { status: true, completedBy: true, completedAt: true, withdrawnAt: true, endedAt: true, consentAgency: true, consentPurpose: true } as const;

/** The refusal a task's row explains, naming its state: waiting, withdrawn, not shared, completed (by whom, when), closed. */
export async function refusalOf({ prisma }: ApiDeps, taskId: string): Promise<AppError | undefined> {
  const task = await prisma.task.findUnique({ where: { id: taskId }, select: refusalFacts });
  if (!task) return new AppError(ErrorCode.TaskNotFound, 'no such task');
  const why = whyNotOpen({
    status: task.status,
    completedBy: task.completedBy,
    completedAt: task.completedAt?.toISOString(),
    endedAt: (task.withdrawnAt ?? task.endedAt)?.toISOString(),
    consent: task.consentAgency ? { agency: task.consentAgency, purpose: task.consentPurpose } : null,
  });
  return why && new AppError(why.code, why.message, { reason: why.reason });
}

/**
 * The read model answers "exists?" and "still open?" without touching Temporal. A task waiting
 * for consent goes on to its workflow, which may take an outcome allowed while it waits.
 */
export async function openTaskOrThrow(deps: ApiDeps, taskId: string, opts: { allowWaiting: boolean } = { allowWaiting: true }): Promise<void> {
  const refusal = await refusalOf(deps, taskId);
  if (refusal && (!opts.allowWaiting || (refusal.details as { reason?: string } | undefined)?.reason !== 'waiting-for-consent')) throw refusal;
}

/**
 * A task workflow that ended between our read and the update (completed, withdrawn, …) answers
 * with the state its row now shows; so does a task started before its updates were registered
 * from its first moment, while it still waits for consent.
 */
export async function explainRefusal(deps: ApiDeps, taskId: string, err: unknown): Promise<never> {
  const ended = err instanceof WorkflowNotFoundError;
  const unexplained = err instanceof WorkflowUpdateFailedError && !isCodedFailure(err);
  if (ended || unexplained) throw (await refusalOf(deps, taskId)) ?? err;
  throw err;
}

/**
 * Completes a task with an outcome (and a note, kept as the task's running note). A task someone else holds is theirs: completing it needs the
 * supervisor role for its unit, else the answer is TASK_CLAIMED naming who holds it. A minor's
 * triage task is completed only by routing its referral on (`handedOn`, routeFromTriage): a
 * report about a child is assessed, so no outcome may end it with no case.
 */
export async function completeTask(
  deps: ApiDeps,
  taskId: string,
  body: z.infer<typeof completeTaskBody>,
  caller: Principal,
  opts: { handedOn?: boolean } = {},
): Promise<TaskView> {
  await openTaskOrThrow(deps, taskId);
  const held = await deps.prisma.task.findUnique({
    where: { id: taskId },
    select: { assignee: true, stepKey: true, unit: { select: { code: true } }, case: { select: { startArgs: true } } },
  });
  const supervises = held && hasRole(caller, 'supervisor') && caller.supervisedUnits.includes(held.unit.code);
  if (held?.assignee && held.assignee !== caller.sub && !supervises) throw claimedBy(held.assignee);
  if (held?.stepKey === 'triage' && !opts.handedOn && subjectFactsOf(held.case.startArgs).isMinor === true) {
    throw new AppError(ErrorCode.ChildReportNeedsCase, 'a referral about a person under 18 is routed on to a case (POST /tasks/:taskId/route) so that it is assessed; its triage task cannot end without one');
  }
  // A note given with the outcome is a running note of the task (encrypted here), never workflow input.
  const { note, ...completion } = body;
  const view = await deps.temporal.workflow
    .getHandle(taskId)
    .executeUpdate(completeTaskUpdate, { args: [{ ...completion, actor: caller.sub }] })
    .catch((err: unknown) => explainRefusal(deps, taskId, err));
  if (note?.trim()) await recordNote(deps, { caseId: view.caseId, taskId }, note.trim(), caller.sub);
  return view;
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
    .catch((err: unknown) => explainRefusal(deps, taskId, err));
}

/** Tasks a list leaves out for its caller (api/caseSharing.ts sharedTasksOnly): none for coordinators. */
export interface HiddenTasks {
  hiddenStatuses: string[];
  hiddenIds: string[];
}

/** The list filter for what a caller may not see: tasks that shared nothing, or share no longer. */
export function sharedOnlyWhere(hidden: HiddenTasks | undefined): Prisma.TaskWhereInput[] {
  if (!hidden) return [];
  return [
    ...(hidden.hiddenStatuses.length ? [{ status: { notIn: hidden.hiddenStatuses } }] : []),
    ...(hidden.hiddenIds.length ? [{ id: { notIn: hidden.hiddenIds } }] : []),
  ];
}

/**
 * Tasks in the given units (every unit when `units` is undefined), filtered, sorted by due date;
 * `hidden` names what the caller may not see (nothing before consent); `caller` is whose "mine" is.
 */
export async function listTasks(
  { prisma }: ApiDeps,
  units: string[] | undefined,
  query: TaskSearchQuery,
  { hidden, caller }: { hidden?: HiddenTasks; caller?: string } = {},
) {
  const now = new Date();
  const where: Prisma.TaskWhereInput = {
    ...(units ? { unit: { code: { in: units } } } : {}),
    // "My tasks": those the caller holds, within the units they may see now.
    ...(query.mine ? { assignee: caller ?? '' } : {}),
    ...(query.status === 'all' ? {} : { status: query.status }),
    ...(query.caseType ? { case: { caseType: query.caseType } } : {}),
    ...(query.overdue === true ? { status: 'open', dueAt: { lt: now } } : {}),
    ...(query.overdue === false ? { NOT: { status: 'open', dueAt: { lt: now } } } : {}),
  };
  where.AND = [...(query.dueBefore ? [{ dueAt: { lt: new Date(query.dueBefore) } }] : []), ...sharedOnlyWhere(hidden)];
  const page = await pageOfRows(
    query,
    (take) => prisma.task.count({ where, take }),
    prisma.task.findMany({
      where,
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: query.limit,
      skip: query.offset,
      include: { unit: { select: { code: true } }, case: { select: { caseType: true, protectedIdentityAt: true } } },
    }),
  );
  // The holders' names: one read of the staff directory for the page.
  const names = await staffNames({ prisma }, page.items.map((t) => t.assignee));
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
      overdueSeconds: overdueSeconds(t, now),
      assignee: t.assignee,
      assigneeName: t.assignee ? (names.get(t.assignee) ?? null) : null,
      protectedIdentity: protectedIdentityView(t.case.protectedIdentityAt),
      links: { case: `/cases/${t.caseId}`, complete: `/tasks/${t.id}/complete`, claim: `/tasks/${t.id}/claim` },
    })),
  };
}

export async function listUnitTasks(deps: ApiDeps, unitCode: string, query: z.infer<typeof taskListQuery>, hidden?: HiddenTasks) {
  const unit = await deps.prisma.unit.findUnique({ where: { code: unitCode }, select: { id: true } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  return { unit: unitCode, ...(await listTasks(deps, [unitCode], query, { hidden })) };
}
