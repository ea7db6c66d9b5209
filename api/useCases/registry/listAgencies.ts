import type { ApiDeps } from '../../context';

/** Every agency in the registry, code and name only: whom a consent can name (no units, no addresses). */
export async function listAgencies({ prisma }: ApiDeps) {
  const agencies = await prisma.agency.findMany({ orderBy: { code: 'asc' }, select: { code: true, name: true } });
  return { items: agencies };
}
