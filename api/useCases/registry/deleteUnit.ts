import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';
import { describeUse, whatUsesUnit } from './unitInUse';
import { underUnitWorkLock } from './unitWorkLock';

/**
 * Deletes a unit that was never used (a typo, say). A unit that ever held a task is history that
 * cases point to: it can only be deactivated. One the active policies or routing table name
 * would leave new cases' tasks nowhere to go, so it is refused as deactivating it is, checked and
 * deleted with no publish in between.
 */
export async function deleteUnit(deps: ApiDeps, code: string) {
  return underUnitWorkLock(deps, async (tx) => {
    const unit = await tx.unit.findUnique({ where: { code }, select: { id: true, _count: { select: { tasks: true } } } });
    if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
    if (unit._count.tasks > 0) throw new AppError(ErrorCode.UnitInUse, 'the unit has held tasks: deactivate it instead', { reason: 'has-history' });
    // A task moved to it, or a move's record naming it, counts as use too; the foreign key refuses a task created meanwhile.
    const moves = await tx.taskAssignment.count({ where: { OR: [{ fromUnit: code }, { toUnit: code }] } });
    if (moves > 0) throw new AppError(ErrorCode.UnitInUse, 'tasks were moved to or from the unit: deactivate it instead', { reason: 'has-history' });
    const uses = await whatUsesUnit(tx, code);
    if (uses.length) throw new AppError(ErrorCode.UnitInUse, `new cases would send the unit work: ${uses.map(describeUse).join('; ')}`, { reason: 'in-use', uses });
    await tx.unit.delete({ where: { id: unit.id } });
    return { code, deleted: true as const };
  });
}
