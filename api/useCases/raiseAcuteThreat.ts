import { ErrorCode } from '../../domain/errors';
import { raiseAcuteThreatUpdate } from '../../domain/messages';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { RaiseAcuteThreatBody } from '../schemas';

/**
 * POST /cases/:caseId/acute-threats: a threat turns acute in a running case of any type. Who may
 * raise it (a coordinator, or staff of a unit holding a task in the case) the access rule checked;
 * the case opens the same-day task for the police safety unit, with the reason recorded on it.
 */
export async function raiseAcuteThreat(deps: ApiDeps, caseId: string, body: RaiseAcuteThreatBody, actor: string) {
  const kase = await deps.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true, status: true } });
  if (kase.status === 'closed') throw new AppError(ErrorCode.CaseNotOpen, 'the case is closed');
  const { taskId } = await deps.temporal.workflow.getHandle(kase.workflowId).executeUpdate(raiseAcuteThreatUpdate, { args: [{ ...body, actor }] });
  return { caseId, taskId, links: { case: `/cases/${caseId}` } };
}
