import { assignmentText } from '../../domain/catalog';
import type { ApiDeps } from '../context';

type Action = keyof typeof assignmentText;

/** A task's holders and moves, oldest first; a move's reason decrypted for this answer only. */
export async function taskAssignments({ prisma, fieldCrypto }: ApiDeps, taskId: string) {
  const rows = await prisma.taskAssignment.findMany({ where: { taskId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return {
    items: rows.map((r) => ({
      action: r.action as Action,
      text: assignmentText[r.action as Action],
      actor: r.actor,
      assignee: r.assignee,
      fromUnit: r.fromUnit,
      toUnit: r.toUnit,
      reason: r.reasonEnc ? fieldCrypto.decrypt(r.reasonEnc, `task_assignment.reason:${r.id}`) : null,
      at: r.at.toISOString(),
    })),
  };
}
