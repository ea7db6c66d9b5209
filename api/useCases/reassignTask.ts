import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../domain/errors';
import { reassignTaskUpdate, type TaskView } from '../../domain/messages';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { explainRefusal, openTaskOrThrow } from './tasks';

/** The task's validator said it is still opening (its plan not yet made). */
function stillOpening(err: unknown): boolean {
  for (let e = err as { cause?: unknown; type?: string; details?: unknown[] } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (e.type === ErrorCode.TaskNotOpen && (e.details?.[0] as { reason?: string } | undefined)?.reason === 'open') return true;
  }
  return false;
}

/**
 * A supervisor of the task's unit moves an open task to another unit, with a reason. The task's
 * workflow records the move (the row's unit, nobody holding it) and emails the new unit's inbox
 * (a link, no personal data); its reminders and escalations go there from then on, and its
 * deadline stays. The old unit keeps access to the case only through another task it holds. The
 * reason is kept here, encrypted, and never reaches the workflow or an email.
 */
export async function reassignTask(deps: ApiDeps, taskId: string, body: { unitCode: string; reason: string }, actor: string): Promise<TaskView> {
  await openTaskOrThrow(deps, taskId, { allowWaiting: false });
  const { prisma, fieldCrypto } = deps;
  const [task, target] = await Promise.all([
    prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { consentAgency: true, unit: { select: { code: true } } } }),
    prisma.unit.findUnique({ where: { code: body.unitCode }, select: { active: true, agency: { select: { code: true } } } }),
  ]);
  if (!target) throw new AppError(ErrorCode.UnitNotFound, 'no such unit in the registry');
  if (!target.active) throw new AppError(ErrorCode.UnitInactive, 'the unit is deactivated and takes no new work');
  if (task.unit.code === body.unitCode) throw new AppError(ErrorCode.InvalidReassignment, 'the task is already in that unit');
  // A task shared on consent may go only where that consent reaches.
  if (task.consentAgency && task.consentAgency !== target.agency.code) {
    throw new AppError(ErrorCode.InvalidReassignment, `the task rests on consent to share with ${task.consentAgency}; the unit belongs to another agency`);
  }
  const move = () => deps.temporal.workflow.getHandle(taskId).executeUpdate(reassignTaskUpdate, { args: [{ unitCode: body.unitCode, actor }] });
  // A task whose row is written but whose workflow is still opening it answers "still opening": try again shortly.
  let view: TaskView | undefined;
  for (let attempt = 1; !view; attempt++) {
    view = await move().catch(async (err: unknown) => {
      if (attempt < 10 && stillOpening(err)) return new Promise<undefined>((r) => setTimeout(() => r(undefined), 200));
      return explainRefusal(deps, taskId, err);
    });
  }
  const id = randomUUID();
  await prisma.taskAssignment.create({
    data: { id, taskId, action: 'reassigned', actor, fromUnit: task.unit.code, toUnit: body.unitCode, reasonEnc: fieldCrypto.encrypt(body.reason, `task_assignment.reason:${id}`) },
  });
  return view;
}
