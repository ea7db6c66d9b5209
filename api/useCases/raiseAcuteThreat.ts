import { hasRole, type Principal } from '../../domain/auth';
import { ErrorCode } from '../../domain/errors';
import { raiseAcuteThreatUpdate } from '../../domain/messages';
import { assertCaseVisible } from '../access';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { raiseAcuteThreatBody } from '../schemas';
import type { z } from 'zod';

// Tasks that shared the case with their unit (a waiting or refused one shared nothing).
const sharedStatuses = ['open', 'completed', 'closed'];

/**
 * POST /cases/:caseId/acute-threats: a threat turns acute in a running case of any type. A
 * coordinator, or staff of a unit that holds a task in the case, raises it; the case opens the
 * same-day task for the police safety unit, with the reason recorded on it.
 */
export async function raiseAcuteThreat(deps: ApiDeps, caller: Principal, caseId: string, body: z.infer<typeof raiseAcuteThreatBody>) {
  const { prisma } = deps;
  await assertCaseVisible(prisma, caller, caseId);
  if (!hasRole(caller, 'coordinator')) {
    const holds = hasRole(caller, 'staff') && (await prisma.task.count({ where: { caseId, status: { in: sharedStatuses }, unit: { code: { in: caller.units } } } })) > 0;
    if (!holds) throw new AppError(ErrorCode.Forbidden, 'only coordinators and staff of a unit with a task in the case may raise an acute threat');
  }
  const kase = await prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true, status: true } });
  if (kase.status === 'closed') throw new AppError(ErrorCode.CaseNotOpen, 'the case is closed');
  const { taskId } = await deps.temporal.workflow.getHandle(kase.workflowId).executeUpdate(raiseAcuteThreatUpdate, { args: [{ ...body, actor: caller.sub }] });
  return { caseId, taskId, links: { case: `/cases/${caseId}` } };
}
