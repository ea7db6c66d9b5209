import type { ApiDeps } from '../context';
import { refusalOf } from './tasks';
import { claimedBy, taskOwner } from './taskOwner';

/** The holder gives a task back to the unit. Releasing a task nobody holds changes nothing; one held by someone else is theirs. */
export async function releaseTask(deps: ApiDeps, taskId: string, actor: string) {
  const refusal = await refusalOf(deps, taskId);
  if (refusal) throw refusal;
  return deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.task.updateMany({ where: { id: taskId, status: 'open', assignee: actor }, data: { assignee: null, assignedAt: null } });
    if (count === 1) await tx.taskAssignment.create({ data: { taskId, action: 'released', actor, at: now } });
    const owner = await taskOwner(tx, taskId);
    if (owner.assignee) throw claimedBy(owner.assignee);
    return owner;
  });
}
