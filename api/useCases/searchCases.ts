import { hasRole, type Principal } from '../../domain/auth';
import type { CaseType } from '../../domain/policy';
import type { Prisma } from '../../prisma/client';
import { normalisePersonnummer } from '../../security/personnummer';
import { sightOf, viewerOf } from '../caseSharing';
import type { ApiDeps } from '../context';
import type { CaseSearchQuery } from '../querySchemas';
import type { CaseBody } from '../views/case';
import { protectedIdentityView } from '../views/subject';
import { countCap, pageOfRows } from './page';
import { unsharedTaskStatuses } from '../../domain/needToKnow';

/**
 * For others than coordinators, at most this many candidate cases (newest first) are considered per
 * search; past it the answer says `totalCapped` and the caller narrows the filters.
 */
export const staffCandidateCap = countCap;

export type CaseSearch = Omit<CaseSearchQuery, 'overdue'> & { overdue?: boolean; personalIdentityNumber?: string };

/**
 * Finds cases. Coordinators search every case, by personnummer too (through its keyed hash, never
 * in clear); others only among the cases they may see by the need-to-know rule (`units`: their
 * units, or the one they asked for), and a unit or overdue filter reads their own units' tasks.
 */
export async function searchCases(deps: ApiDeps, caller: Principal, units: string[] | undefined, search: CaseSearch) {
  const { prisma, fieldCrypto } = deps;
  const now = new Date();
  const coordinator = hasRole(caller, 'coordinator');
  const ownTasks: Prisma.TaskWhereInput = units ? { unit: { code: { in: units } } } : {};
  const overdueTask: Prisma.TaskWhereInput = { ...ownTasks, status: 'open', dueAt: { lt: now } };
  const and: Prisma.CaseWhereInput[] = [];
  if (search.caseId) and.push({ id: search.caseId });
  if (search.status) and.push({ status: search.status });
  if (search.caseType) and.push({ caseType: search.caseType });
  if (search.from || search.to) and.push({ createdAt: { ...(search.from ? { gte: new Date(search.from) } : {}), ...(search.to ? { lt: new Date(search.to) } : {}) } });
  if (search.personalIdentityNumber) and.push({ subject: { personalIdentityNumberHash: fieldCrypto.lookupHash(normalisePersonnummer(search.personalIdentityNumber)) } });
  // Coordinators see waiting and withdrawn tasks too; others only tasks that shared something.
  if (search.unit || !coordinator) and.push({ tasks: { some: { ...ownTasks, ...(coordinator ? {} : { status: { notIn: [...unsharedTaskStatuses] } }) } } });
  if (search.overdue === true) and.push({ tasks: { some: overdueTask } });
  if (search.overdue === false) and.push({ tasks: { none: overdueTask } });
  const where: Prisma.CaseWhereInput = { AND: and };
  const orderBy: Prisma.CaseOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];
  const select = {
    id: true,
    caseType: true,
    status: true,
    createdAt: true,
    closedAt: true,
    protectedIdentityAt: true,
    tasks: { where: overdueTask, select: { id: true }, take: 1 },
  } as const;

  let page: { total: number; totalCapped: boolean; limit: number; offset: number; items: Array<Prisma.CaseGetPayload<{ select: typeof select }>> };
  if (coordinator) {
    page = await pageOfRows(search, (take) => prisma.case.count({ where, take }), prisma.case.findMany({ where, orderBy, take: search.limit, skip: search.offset, select }));
  } else {
    // A task of one's units narrows the candidates. One resting on no consent (own work, a legal
    // basis) that has shared shares the case, as the rule says; only cases seen through consent
    // alone are put to the need-to-know rule (a consent withdrawn, refused or lapsed).
    const candidates = await prisma.case.findMany({
      where,
      orderBy,
      take: staffCandidateCap + 1,
      select: { id: true, tasks: { where: { ...ownTasks, status: { notIn: [...unsharedTaskStatuses] }, consentAgency: null }, select: { id: true }, take: 1 } },
    });
    const viewer = await viewerOf(prisma, caller);
    const considered = candidates.slice(0, staffCandidateCap);
    const seen = await Promise.all(considered.map(async (c) => c.tasks.length > 0 || (await sightOf(deps, caller, c.id, viewer)) !== undefined));
    const visible = considered.filter((_, i) => seen[i]).map((c) => c.id);
    const ids = visible.slice(search.offset, search.offset + search.limit);
    const rows = await prisma.case.findMany({ where: { id: { in: ids } }, orderBy, select });
    page = { total: Math.min(visible.length, countCap), totalCapped: candidates.length > staffCandidateCap, limit: search.limit, offset: search.offset, items: rows };
  }
  return {
    ...page,
    items: page.items.map((c) => ({
      caseId: c.id,
      caseType: c.caseType as CaseType,
      status: c.status as CaseBody['status'],
      createdAt: c.createdAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      overdue: c.tasks.length > 0,
      protectedIdentity: protectedIdentityView(c.protectedIdentityAt),
      links: { case: `/cases/${c.id}`, subject: `/cases/${c.id}/subject` },
    })),
  };
}

/** The audit row's detail for a search: the filters asked for (the personnummer only as "given"), and the cases returned. */
export function searchAuditDetail(search: CaseSearch, found: { items: Array<{ caseId: string }> }) {
  const { personalIdentityNumber, ...filters } = search;
  return { ...filters, ...(personalIdentityNumber ? { personalIdentityNumber: 'given' } : {}), returned: found.items.length, caseIds: found.items.map((c) => c.caseId) };
}
