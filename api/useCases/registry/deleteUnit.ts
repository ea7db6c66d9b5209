import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';

/**
 * Deletes a unit that was never used (a typo, say). A unit that ever held a task is history that
 * cases point to: it can only be deactivated.
 */
export async function deleteUnit({ prisma }: ApiDeps, code: string) {
  const unit = await prisma.unit.findUnique({ where: { code }, select: { id: true, _count: { select: { tasks: true } } } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  if (unit._count.tasks > 0) throw new AppError(ErrorCode.UnitInUse, 'the unit has held tasks: deactivate it instead', { reason: 'has-history' });
  // A task moved to it, or a move's record naming it, counts as use too; the foreign key refuses a task created meanwhile.
  const moves = await prisma.taskAssignment.count({ where: { OR: [{ fromUnit: code }, { toUnit: code }] } });
  if (moves > 0) throw new AppError(ErrorCode.UnitInUse, 'tasks were moved to or from the unit: deactivate it instead', { reason: 'has-history' });
  await prisma.unit.delete({ where: { id: unit.id } });
  return { code, deleted: true as const };
}
