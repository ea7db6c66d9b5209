import type { CaseResult, CaseWorkflowInput } from '../domain/messages';
import { closedByCoordinator, createCaseKit } from './caseKit';

/**
 * A referral no routing rule matched: it is never dropped, but becomes a coordinator's triage
 * task (unit vpc-coordination) with a deadline, reminders and escalation like any other task.
 */
export async function triageCase(input: CaseWorkflowInput): Promise<CaseResult> {
  const kit = createCaseKit(input);
  await kit.progress('open', 'triage');
  if ((await kit.untilClosed(kit.runStep('triage', { startAt: kit.fromReceipt }))) === closedByCoordinator) return kit.closeNow();
  await kit.close();
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
}
