import { continueAsNew, patched } from '@temporalio/workflow';
import type { CaseResult, CaseWorkflowInput } from '../domain/messages';
import { closedByCoordinator, createCaseKit, type CaseCarry } from './caseKit';
import { repeatUntilClosed } from './repeating';

export interface SigCaseInput extends CaseWorkflowInput {
  /** Set by continue-as-new: the review loop resumes here. */
  carry?: CaseCarry;
}

/**
 * Social intervention group (SIG): voluntary, so consent comes first. The action plan (social
 * services) and the police contribution each wait for consent to share with their agency; the
 * plan is due 30 days after consent. Reviews then repeat every 3 months until one closes the case.
 * Every `cyclesPerRun` reviews the workflow continues as new, so its history stays bounded.
 * A reopened case starts again at its action plan or its reviews.
 */
export async function socialInterventionGroupCase(input: SigCaseInput): Promise<CaseResult> {
  const kit = createCaseKit(input, input.carry);

  /** The programme; answers why it closed when not simply completed. */
  const programme = async (): Promise<string | undefined> => {
    if (!input.carry && input.reopen) {
      await kit.progress('open', input.reopen.fromStep);
      if (input.reopen.fromStep === 'actionPlan') {
        const plan = await kit.runStep('actionPlan', { startAt: kit.fromReceipt });
        if (plan.ended === 'not-shared') return 'no-consent';
      }
    } else if (!input.carry) {
      await kit.progress('open', 'consent');
      // Cases started before keep their path: reviews waited for the police contribution too.
      if (patched('sig-reviews-from-plan')) {
        // A minor's youth concern runs beside the programme, whatever consent does.
        await kit.startCompanions();
        // Reviews start from the action plan; the police contribution runs beside it, and a case
        // that closes while it still waits for consent ends it.
        await kit.startBeside('policeContribution', {}, true);
        const plan = await kit.runStep('actionPlan');
        if (plan.ended === 'not-shared') return 'no-consent';
      } else {
        await Promise.all([kit.runStep('actionPlan'), kit.runStep('policeContribution')]);
      }
    }
    await repeatUntilClosed(kit, input, 'review', (carry) => continueAsNew<typeof socialInterventionGroupCase>({ ...input, carry }));
    return undefined;
  };

  const ended = await kit.untilClosed(programme());
  if (ended === closedByCoordinator) return kit.closeNow();
  await kit.close(ended);
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps, ...(ended ? { closeReason: ended } : {}) };
}
