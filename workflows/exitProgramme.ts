import { continueAsNew, sleep } from '@temporalio/workflow';
import type { CaseResult, CaseWorkflowInput, TaskResult } from '../domain/messages';
import { caseActivities, createCaseKit, type CaseCarry } from './caseKit';

export interface ExitCaseInput extends CaseWorkflowInput {
  /** Set by continue-as-new: the monthly follow-up loop resumes here. */
  carry?: CaseCarry;
}

/**
 * Exit programme (avhopparverksamhet), the seven steps: contact with the coordinator (the
 * referral) → unconditional first conversation (7 days) → initial assessment → continued mapping
 * in parallel with engaging the social-services and police working group and the police threat
 * assessment → a joint plan with tasks for several agencies at once → monthly joint follow-up
 * until one closes the case. Routing's "acute-threat" track adds a same-day task for the police
 * safety unit at once, beside everything else.
 */
export async function exitProgrammeCase(input: ExitCaseInput): Promise<CaseResult> {
  const { policy } = input;
  const kit = createCaseKit(input, input.carry);
  let cycle = input.carry?.cycle ?? 0;

  if (!input.carry) {
    await kit.progress('open', 'contact');
    const acute: Promise<TaskResult | undefined> = input.routing?.tracks.includes('acute-threat')
      ? kit.runStep('acuteThreatAssessment', { startAt: kit.fromReceipt })
      : Promise.resolve(undefined);
    const programme = async () => {
      await kit.runStep('firstConversation', { startAt: kit.fromReceipt });
      await kit.runStep('initialAssessment');
      await kit.progress('open', 'mapping-and-threat-assessment');
      await Promise.all([kit.runStep('mapping'), kit.runStep('workingGroup'), kit.runStep('threatAssessment')]);
      await kit.progress('open', 'joint-plan');
      await Promise.all(
        ['jointPlanHousing', 'jointPlanEmployment', 'jointPlanAddiction', 'jointPlanPolice'].map((step) => kit.runStep(step)),
      );
    };
    // Awaited together, so a failure of the acute track is never an unhandled rejection.
    await Promise.all([acute, programme()]);
  }

  const perRun = policy.cyclesPerRun ?? 4;
  const interval = policy.intervals?.followUp;
  if (!interval) throw new Error('policy lacks intervals.followUp'); // the API refuses such policies
  for (let inThisRun = 0; ; inThisRun++) {
    if (inThisRun >= perRun) {
      return continueAsNew<typeof exitProgrammeCase>({ ...input, carry: kit.carryOver(cycle) });
    }
    kit.state.currentStep = 'waiting-for-follow-up';
    await kit.progress('open', 'waiting-for-follow-up');
    const nextAt = await caseActivities.addSpan({ from: new Date().toISOString(), span: interval, timeZone: policy.timeZone });
    await sleep(Math.max(0, Date.parse(nextAt) - Date.now()));
    cycle += 1;
    await kit.progress('open', 'follow-up');
    const followUp = await kit.runStep('followUp', { idSuffix: `-${cycle}` });
    if (followUp.outcome === 'close-case') break;
  }

  await kit.close();
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
}
