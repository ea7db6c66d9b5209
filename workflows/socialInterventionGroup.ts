import { continueAsNew, sleep } from '@temporalio/workflow';
import type { CaseResult, CaseWorkflowInput } from '../domain/messages';
import { caseActivities, createCaseKit, type CaseCarry } from './caseKit';

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
  const { policy } = input;
  const kit = createCaseKit(input, input.carry);
  let cycle = input.carry?.cycle ?? 0;

  if (!input.carry) {
    await kit.progress('open', 'consent');
    await Promise.all([kit.runStep('actionPlan'), kit.runStep('policeContribution')]);
  }

  const perRun = policy.cyclesPerRun ?? 4;
  const interval = policy.intervals?.review;
  if (!interval) throw new Error('policy lacks intervals.review'); // the API refuses such policies
  for (let inThisRun = 0; ; inThisRun++) {
    if (inThisRun >= perRun) {
      // Hand over before the next wait: the new run starts with only what it needs.
      return continueAsNew<typeof socialInterventionGroupCase>({ ...input, carry: kit.carryOver(cycle) });
    }
    kit.state.currentStep = 'waiting-for-review';
    await kit.progress('open', 'waiting-for-review');
    // The next review date in local time (months keep the wall-clock day), computed by an activity.
    const nextAt = await caseActivities.addSpan({ from: new Date().toISOString(), span: interval, timeZone: policy.timeZone });
    await sleep(Math.max(0, Date.parse(nextAt) - Date.now()));
    cycle += 1;
    await kit.progress('open', 'review');
    const review = await kit.runStep('review', { idSuffix: `-${cycle}` });
    if (review.outcome === 'close-case') break;
  }

  await kit.close();
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
}
