import type { ApiDeps } from '../context';
import { refusalOf } from './tasks';
import { taskOwner } from './taskOwner';

/**
 * A supervisor of the task's unit gives an open task to a named person (their user id), whoever
 * held it before. samverkan keeps no staff directory: the identity provider says who is staff of
 * which unit, so the task reaches the person's "my tasks" while their token names the unit.
 */
export async function assignTask(deps: ApiDeps, taskId: string, assignee: string, actor: string) {
  const refusal = await refusalOf(deps, taskId);
  if (refusal) throw refusal;
  return deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.task.updateMany({ where: { id: taskId, status: 'open' }, data: { assignee, assignedAt: now } });
    if (count === 0) throw (await refusalOf(deps, taskId))!;
    await tx.taskAssignment.create({ data: { taskId, action: 'assigned', actor, assignee, at: now } });
    return taskOwner(tx, taskId);
  });
}
