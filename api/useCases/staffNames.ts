import type { ApiDeps } from '../context';

/**
 * The staff directory's names for the user ids on one page of an answer, in one query (none when
 * there are no ids). An id the directory does not know, or knows without a name, is not in the map.
 */
export async function staffNames({ prisma }: Pick<ApiDeps, 'prisma'>, ids: Iterable<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await prisma.staffMember.findMany({ where: { userId: { in: wanted }, displayName: { not: null } }, select: { userId: true, displayName: true } });
  return new Map(rows.map((r) => [r.userId, r.displayName as string]));
}
