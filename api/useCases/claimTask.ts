import type { ApiDeps } from '../context';
import { refusalOf } from './tasks';
import { claimedBy, taskOwner } from './taskOwner';

/**
 * "I'll take it": staff of the task's unit claim an open task nobody holds. One conditional
 * update, so of two people claiming at once exactly one gets it. Claiming one's own task again
 * changes nothing.
 */
export async function claimTask(deps: ApiDeps, taskId: string, actor: string) {
  const refusal = await refusalOf(deps, taskId);
  if (refusal) throw refusal;
  return deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.task.updateMany({ where: { id: taskId, status: 'open', assignee: null }, data: { assignee: actor, assignedAt: now } });
    if (count === 1) await tx.taskAssignment.create({ data: { taskId, action: 'claimed', actor, assignee: actor, at: now } });
    const owner = await taskOwner(tx, taskId);
    if (owner.assignee !== actor) throw owner.assignee ? claimedBy(owner.assignee) : ((await refusalOf(deps, taskId)) ?? claimedBy('someone'));
    return owner;
  });
}
