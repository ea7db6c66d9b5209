import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';
import { unitView } from '../../views/registry';
import { describeUse, whatUsesUnit } from './unitInUse';

/**
 * Changes a unit's name or addresses (every email from now on, for tasks running too, reads them),
 * or deactivates it: only once nothing sends it work (its open tasks reassigned, no active policy
 * or routing naming it), so no task is left where nobody looks.
 */
export async function updateUnit(deps: ApiDeps, code: string, body: { name?: string; notificationEmail?: string; supervisorEmail?: string; headEmail?: string; active?: boolean }) {
  const { prisma } = deps;
  const unit = await prisma.unit.findUnique({ where: { code }, select: { active: true } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  if (body.active === false && unit.active) {
    const uses = await whatUsesUnit(deps, code);
    if (uses.length) throw new AppError(ErrorCode.UnitInUse, `the unit still gets work: ${uses.map(describeUse).join('; ')}`, { reason: 'in-use', uses });
  }
  return unitView(await prisma.unit.update({ where: { code }, data: body, include: { agency: { select: { code: true } } } }));
}
