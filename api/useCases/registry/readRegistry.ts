import type { ApiDeps } from '../../context';
import { unitView } from '../../views/registry';

/** Every agency with its units, active or not, with the addresses their emails go to. */
export async function readRegistry({ prisma }: ApiDeps) {
  const agencies = await prisma.agency.findMany({ orderBy: { code: 'asc' }, include: { units: { orderBy: { code: 'asc' }, include: { agency: { select: { code: true } } } } } });
  return { agencies: agencies.map((a) => ({ code: a.code, name: a.name, units: a.units.map(unitView) })) };
}
