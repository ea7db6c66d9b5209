import { continueAsNew, patched } from '@temporalio/workflow';
import type { CaseResult, CaseWorkflowInput } from '../domain/messages';
import { createCaseKit, type CaseCarry } from './caseKit';
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
 */
export async function socialInterventionGroupCase(input: SigCaseInput): Promise<CaseResult> {
  const kit = createCaseKit(input, input.carry);

  if (!input.carry) {
    await kit.progress('open', 'consent');
    // Cases started before keep their path: reviews waited for the police contribution too.
    if (patched('sig-reviews-from-plan')) {
      // A minor's youth concern runs beside the programme, whatever consent does.
      await kit.startCompanions();
      // Reviews start from the action plan; the police contribution runs beside it, and a case
      // that closes while it still waits for consent ends it.
      await kit.startBeside('policeContribution', {}, true);
      const plan = await kit.runStep('actionPlan');
      if (plan.ended === 'not-shared') {
        await kit.close('no-consent');
        return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps, closeReason: 'no-consent' };
      }
    } else {
      await Promise.all([kit.runStep('actionPlan'), kit.runStep('policeContribution')]);
    }
  }

  await repeatUntilClosed(kit, input, 'review', (carry) => continueAsNew<typeof socialInterventionGroupCase>({ ...input, carry }));

  await kit.close();
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
}
