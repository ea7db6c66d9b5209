import { ErrorCode } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { UnitPerson } from '../views/people';
import { staffSeenWithinDays } from '../../domain/staffDirectory';

export { staffSeenWithinDays };
/** The most people one answer lists (a select a supervisor chooses from): past it, those seen longest ago are left out. */
export const unitPeopleCap = 1_000;

const dayMs = 86_400_000;
const byName = new Intl.Collator('sv', { sensitivity: 'base' });

/**
 * The people seen as staff of a unit (their last token named it among their units, with the role
 * staff) within `staffSeenWithinDays`, by name then user id. Sorted here, not by the database, so
 * the order is Swedish (å, ä, ö last) whatever the database's collation.
 */
export async function unitPeople(deps: ApiDeps, unitCode: string) {
  const unit = await deps.prisma.unit.findUnique({ where: { code: unitCode }, select: { id: true } });
  if (!unit) throw new AppError(ErrorCode.NotFound, 'no such unit');
  const rows = await deps.prisma.staffMember.findMany({
    where: { units: { has: unitCode }, roles: { has: 'staff' }, lastSeenAt: { gte: new Date(Date.now() - staffSeenWithinDays * dayMs) } },
    select: { userId: true, displayName: true, supervisedUnits: true, roles: true, lastSeenAt: true },
    orderBy: [{ lastSeenAt: 'desc' }, { userId: 'asc' }],
    take: unitPeopleCap + 1,
  });
  const items: UnitPerson[] = rows.slice(0, unitPeopleCap).map((r) => ({
    userId: r.userId,
    name: r.displayName,
    supervisor: r.roles.includes('supervisor') && r.supervisedUnits.includes(unitCode),
    lastSeenAt: r.lastSeenAt.toISOString(),
  }));
  items.sort((a, b) => (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || byName.compare(a.name ?? '', b.name ?? '') || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { unit: unitCode, seenWithinDays: staffSeenWithinDays, items, capped: rows.length > unitPeopleCap };
}
