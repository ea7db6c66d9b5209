import type { ApiDeps } from '../context';
import { protectedIdentityView } from '../views/subject';

/**
 * Marks (or, with `on` false, unmarks) a case as protected identity. Marking a marked case keeps
 * its first date; the case row keeps when and by whom, the audit trail every change.
 */
export async function markProtectedIdentity(deps: ApiDeps, caseId: string, on: boolean, actor: string) {
  await deps.prisma.case.updateMany({
    where: { id: caseId, protectedIdentityAt: on ? null : { not: null } },
    data: on ? { protectedIdentityAt: new Date(), protectedIdentityBy: actor } : { protectedIdentityAt: null, protectedIdentityBy: null },
  });
  const row = await deps.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { protectedIdentityAt: true } });
  return { caseId, protectedIdentity: protectedIdentityView(row.protectedIdentityAt) };
}

/** A task's state as its workflow answers a change, with its case's protected-identity marker from the read model. */
export async function withProtectedIdentity<T extends { caseId: string }>(deps: ApiDeps, view: T) {
  const row = await deps.prisma.case.findUnique({ where: { id: view.caseId }, select: { protectedIdentityAt: true } });
  return { ...view, protectedIdentity: protectedIdentityView(row?.protectedIdentityAt ?? null) };
}
