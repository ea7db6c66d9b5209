import { assignmentText } from '../../domain/catalog';
import type { ApiDeps } from '../context';
import { staffNames } from './staffNames';

type Action = keyof typeof assignmentText;

/**
 * A task's holders and moves, oldest first, with the staff directory's names for who acted and
 * who was given it; a move's reason decrypted for this answer only.
 */
export async function taskAssignments({ prisma, fieldCrypto }: ApiDeps, taskId: string) {
  const rows = await prisma.taskAssignment.findMany({ where: { taskId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  const names = await staffNames({ prisma }, rows.flatMap((r) => [r.actor, r.assignee]));
  return {
    items: rows.map((r) => ({
      action: r.action as Action,
      text: assignmentText[r.action as Action],
      actor: r.actor,
      actorName: names.get(r.actor) ?? null,
      assignee: r.assignee,
      assigneeName: r.assignee ? (names.get(r.assignee) ?? null) : null,
      fromUnit: r.fromUnit,
      toUnit: r.toUnit,
      reason: r.reasonEnc ? fieldCrypto.decrypt(r.reasonEnc, `task_assignment.reason:${r.id}`) : null,
      at: r.at.toISOString(),
    })),
  };
}
