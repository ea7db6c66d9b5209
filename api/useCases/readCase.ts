import { ErrorCode } from '../../domain/errors';
import type { Principal } from '../../domain/auth';
import type { CaseSight } from '../../domain/needToKnow';
import { sightOf, viewerOf } from '../caseSharing';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { caseView, seesConsent, seesInFull, taskPeople, type CaseBody } from '../views/case';
import { staffNames } from './staffNames';

/**
 * The other cases of the same person (the first case and all linked to it) that the caller may
 * open: ids, status and date. A case the caller may not open is not listed, so its existence does not leak.
 */
async function relatedCases(deps: ApiDeps, caller: Principal, row: { id: string; linkedCaseId: string | null }, whole: boolean): Promise<CaseBody['relatedCases']> {
  const root = row.linkedCaseId ?? row.id;
  const related = await deps.prisma.case.findMany({
    where: { OR: [{ id: root }, { linkedCaseId: root }], NOT: { id: row.id } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, status: true, createdAt: true },
  });
  const viewer = whole ? undefined : await viewerOf(deps.prisma, caller);
  const open = await Promise.all(related.map(async (c) => whole || (await sightOf(deps, caller, c.id, viewer)) !== undefined));
  return related.filter((_, i) => open[i]).map((c) => ({ caseId: c.id, status: c.status as CaseBody['status'], createdAt: c.createdAt.toISOString() }));
}

/** A case as the caller may see it (`sight`, from the access check): its tasks, deadlines, extensions, escalations, notifications and consents. */
export async function readCase(deps: ApiDeps, caseId: string, caller: Principal, sight: CaseSight): Promise<CaseBody> {
  const row = await deps.prisma.case.findUnique({
    where: { id: caseId },
    include: {
      tasks: {
        orderBy: { startedAt: 'asc' },
        include: {
          unit: { select: { code: true } },
          extensions: { orderBy: { sequence: 'asc' } },
          escalations: { orderBy: { raisedAt: 'asc' }, include: { unit: { select: { code: true } } } },
          notifications: { orderBy: { createdAt: 'asc' }, select: { kind: true, status: true, createdAt: true, sentAt: true, unit: { select: { code: true } } } },
        },
      },
      consents: { orderBy: { createdAt: 'asc' } },
    },
  });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  const related = await relatedCases(deps, caller, row, sight.whole);
  const linkVisible = row.linkedCaseId !== null && (sight.whole || related.some((c) => c.caseId === row.linkedCaseId));
  // The names of who acted on the tasks the caller sees in full, and of who recorded the consents it sees: one read of the staff directory.
  const names = await staffNames(deps, [
    ...row.tasks.filter((t) => seesInFull(sight, t.id)).flatMap(taskPeople),
    ...row.consents.filter((c) => seesConsent(sight, c)).map((c) => c.recordedBy),
  ]);
  return caseView(row, related, sight, linkVisible, names);
}
