import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';
import { unitView } from '../../views/registry';
import { describeUse, whatUsesUnit } from './unitInUse';
import { underUnitWorkLock, type RegistryTx } from './unitWorkLock';

/**
 * Changes a unit's name or addresses (every email from now on, for tasks running too, reads them),
 * or deactivates it: only once nothing sends it work (its open tasks reassigned, no active policy
 * or routing naming it), so no task is left where nobody looks.
 */
export async function updateUnit(deps: ApiDeps, code: string, body: { name?: string; notificationEmail?: string; supervisorEmail?: string; headEmail?: string; active?: boolean }) {
  const update = async (tx: RegistryTx) => unitView(await tx.unit.update({ where: { code }, data: body, include: { agency: { select: { code: true } } } }));
  const unit = await deps.prisma.unit.findUnique({ where: { code }, select: { active: true } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  if (!(body.active === false && unit.active)) return update(deps.prisma);
  // Deactivating: nothing may send it work, checked and written with no publish in between.
  return underUnitWorkLock(deps, async (tx) => {
    const uses = await whatUsesUnit(tx, code);
    if (uses.length) throw new AppError(ErrorCode.UnitInUse, `the unit still gets work: ${uses.map(describeUse).join('; ')}`, { reason: 'in-use', uses });
    return update(tx);
  });
}
