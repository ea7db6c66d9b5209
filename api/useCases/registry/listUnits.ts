import type { ApiDeps } from '../../context';

/** The units that take new work, for choosing where a task goes: names only, no addresses. */
export async function listUnits({ prisma }: ApiDeps) {
  const units = await prisma.unit.findMany({ where: { active: true }, orderBy: { code: 'asc' }, select: { code: true, name: true, agency: { select: { code: true } } } });
  return { items: units.map((u) => ({ code: u.code, agency: u.agency.code, name: u.name })) };
}
