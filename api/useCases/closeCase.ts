import { WorkflowNotFoundError } from '@temporalio/client';
import type { CloseReason } from '../../domain/caseClosing';
import { ErrorCode } from '../../domain/errors';
import { closeReasonText } from '../../domain/catalog';
import { closeCaseUpdate } from '../../domain/messages';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';

const notOpen = () => new AppError(ErrorCode.CaseNotOpen, 'the case is already closed', { reason: 'closed' });

/**
 * A coordinator closes a running case with a reason code. The case workflow takes it as an update:
 * every task still running ends as closed with the case (its reminders and escalations stop, its
 * unit is told), then the case records itself closed. The close is kept as an event, with who.
 */
export async function closeCase(deps: ApiDeps, caseId: string, reason: CloseReason, actor: string) {
  const { prisma } = deps;
  const row = await prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true, workflowId: true } });
  if (row.status === 'closed') throw notOpen();
  if (row.status === 'starting') throw new AppError(ErrorCode.CaseNotOpen, 'the case is still starting; try again in a moment', { reason: 'starting' });
  const running = await prisma.task.findMany({ where: { caseId, status: { in: ['open', 'waiting-for-consent'] } }, select: { id: true } });
  await deps.temporal.workflow
    .getHandle(row.workflowId)
    .executeUpdate(closeCaseUpdate, { args: [{ reason, actor }] })
    .catch((err: unknown) => {
      // Its workflow ended between our read and the update: the case closed by itself.
      throw err instanceof WorkflowNotFoundError ? notOpen() : err;
    });
  const closedAt = new Date();
  const [closed] = await prisma.$transaction([
    prisma.case.update({ where: { id: caseId }, data: { closedBy: actor }, select: { closedAt: true } }),
    prisma.caseEvent.create({ data: { caseId, action: 'closed', actor, reason, at: closedAt } }),
  ]);
  return { caseId, status: 'closed' as const, closeReason: reason, closeReasonText: closeReasonText[reason], closedAt: (closed.closedAt ?? closedAt).toISOString(), closedBy: actor, tasksClosed: running.map((t) => t.id) };
}
