import { ErrorCode } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { caseView, type CaseBody } from '../views/case';

/** Every case of the same person: the first case and all linked to it (ids and status only). */
async function relatedCases({ prisma }: ApiDeps, row: { id: string; linkedCaseId: string | null }): Promise<CaseBody['relatedCases']> {
  const root = row.linkedCaseId ?? row.id;
  const related = await prisma.case.findMany({
    where: { OR: [{ id: root }, { linkedCaseId: root }], NOT: { id: row.id } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, status: true, createdAt: true },
  });
  return related.map((c) => ({ caseId: c.id, status: c.status as CaseBody['status'], createdAt: c.createdAt.toISOString() }));
}

/** A case with its tasks, deadlines, extensions, escalations, notifications and consents. */
export async function readCase(deps: ApiDeps, caseId: string): Promise<CaseBody> {
  const row = await deps.prisma.case.findUnique({
    where: { id: caseId },
    include: {
      tasks: {
        orderBy: { startedAt: 'asc' },
        include: {
          unit: { select: { code: true } },
          extensions: { orderBy: { sequence: 'asc' } },
          escalations: { orderBy: { raisedAt: 'asc' } },
          notifications: { orderBy: { createdAt: 'asc' }, select: { kind: true, status: true, createdAt: true, sentAt: true } },
        },
      },
      consents: { orderBy: { createdAt: 'asc' } },
    },
  });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  return caseView(row, await relatedCases(deps, row));
}
