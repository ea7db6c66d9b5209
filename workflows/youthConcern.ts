import { continueAsNew, executeChild, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  getCaseStateQuery,
  type CaseResult,
  type CaseStateView,
  type CaseWorkflowInput,
  type TaskResult,
} from '../domain/messages';
import { reopenableSteps } from '../domain/caseClosing';
import type { YouthConcernStep } from '../domain/policy';
import { immediateProtectionStep } from '../domain/policyTerms';
import { act } from './activityProxies';
import { closedByCoordinator, createCaseKit, type CaseCarry } from './caseKit';
import { repeatStep } from './repeating';
import { taskWorkflow } from './task';

export interface YouthConcernInput extends CaseWorkflowInput {
  /** Set by continue-as-new: the follow-ups resume here. */
  carry?: CaseCarry;
}

const stepIds: Record<YouthConcernStep, string> = {
  protectionAssessment: 'protection-assessment',
  investigationDecision: 'investigation-decision',
  investigation: 'investigation',
};

/**
 * Youth concern (orosanmälan): receipt → protection assessment (same day) → decision whether to
 * open an investigation (14 days) → investigation (4 months, extendable) → closed.
 * Each step is a child task workflow, so its deadline, reminders and escalations live there.
 */
export async function youthConcernCase(input: YouthConcernInput): Promise<CaseResult> {
  // Cases started before the police track and the later steps existed keep their old path.
  if (patched('youth-concern-tracks')) return youthConcernWithTracks(input);
  const { caseId, policy } = input;
  const state: CaseStateView = {
    caseId,
    caseType: policy.caseType,
    policyVersion: policy.version,
    status: 'open',
    currentStep: 'receipt',
    completedSteps: [],
  };
  setHandler(getCaseStateQuery, () => ({ ...state, completedSteps: [...state.completedSteps] }));

  const progress = (status: 'open' | 'closed', currentStep: string) =>
    act.recordCaseProgress({ caseId, caseType: policy.caseType, policyVersion: policy.version, status, currentStep });

  await progress('open', 'receipt');

  const runStep = async (stepKey: YouthConcernStep): Promise<TaskResult> => {
    state.currentStep = stepKey;
    await progress('open', stepKey);
    const result = await executeChild(taskWorkflow, {
      workflowId: `${workflowInfo().workflowId}.${stepIds[stepKey]}`,
      args: [
        {
          taskId: `${workflowInfo().workflowId}.${stepIds[stepKey]}`,
          caseId,
          stepKey,
          step: policy.steps[stepKey],
          policyVersion: policy.version,
          timeZone: policy.timeZone,
        },
      ],
    });
    state.completedSteps.push({ stepKey, outcome: result.outcome });
    return result;
  };

  await runStep('protectionAssessment');
  const decision = await runStep('investigationDecision');
  if (decision.outcome === 'open-investigation') {
    await runStep('investigation');
  }

  state.status = 'closed';
  state.currentStep = 'closed';
  await progress('closed', 'closed');
  return { caseId, status: 'closed', steps: state.completedSteps };
}

/**
 * The completed youth concern: the social-services track (protection assessment → decision →
 * investigation → intervention plan → follow-ups) and, when routing adds "police-lul" (15–17 and
 * suspected), a parallel police track: the LUL 6 § notification to social services at once, the
 * police investigation within 6 weeks of the notification of suspicion (LUL 4 §) and the statement
 * to the prosecutor. Each step's clock counts from what its policy says (the decision from receipt,
 * the investigation from the decision). A protection assessment that finds immediate protection
 * needed opens an urgent task beside the track. Steps the policy lacks are skipped, so older
 * policies still run.
 */
async function youthConcernWithTracks(input: YouthConcernInput): Promise<CaseResult> {
  const kit = createCaseKit(input, input.carry);
  const has = (step: string) => step in input.policy.steps;
  // Cases started before keep their path: "measures-continue" closed them, and a discontinued
  // police investigation still asked for the prosecutor's statement.
  const outcomesDrive = input.carry !== undefined || patched('youth-concern-outcomes');
  // Continue-as-new only when nothing but the follow-ups runs.
  let running = 0;
  const alongside = async <T>(work: () => Promise<T>): Promise<T> => {
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
    }
  };
  const followUps = (cycle: number, last: TaskResult | undefined) =>
    repeatStep(kit, input.policy.timeZone, {
      stepKey: 'followUp',
      interval: input.policy.intervals?.followUp,
      perRun: input.policy.cyclesPerRun ?? 4,
      cycle,
      last,
      again: (followUp) => followUp.outcome === 'measures-continue',
      mayHandOver: () => running === 0 && kit.idle(),
      handOver: (at, after) => continueAsNew<typeof youthConcernCase>({ ...input, carry: kit.carryOver(at, after) }),
    });

  if (input.carry) {
    if ((await kit.untilClosed(followUps(input.carry.cycle, input.carry.last))) === closedByCoordinator) return kit.closeNow();
    await kit.close();
    return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
  }

  if (input.reopen) {
    // Reopened: the social track again from the chosen step, its clocks counting from the reopening.
    const order = reopenableSteps['youth-concern'].filter(has);
    const reopened = async () => {
      let last: TaskResult | undefined;
      const urgent: Array<Promise<TaskResult>> = [];
      for (const stepKey of order.slice(Math.max(0, order.indexOf(input.reopen!.fromStep)))) {
        last = await kit.runStep(stepKey, last ? { after: last } : { startAt: kit.fromReceipt });
        // The same outcomes drive it as in a first run.
        if (stepKey === 'protectionAssessment' && last.outcome === 'immediate-protection-needed' && has(immediateProtectionStep)) {
          urgent.push(alongside(() => kit.runStep(immediateProtectionStep, { after: last })));
        }
        if (stepKey === 'investigationDecision' && last.outcome !== 'open-investigation') break;
        if (stepKey === 'investigation' && last.outcome !== 'measures-decided') break;
        if (stepKey === 'followUp' && last.outcome === 'measures-continue') await followUps(1, last);
      }
      await Promise.all(urgent);
    };
    await kit.progress('open', input.reopen.fromStep);
    if ((await kit.untilClosed(reopened())) === closedByCoordinator) return kit.closeNow();
    await kit.close();
    return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
  }

  await kit.progress('open', 'receipt');

  const socialTrack = async () => {
    // "Same day" counts from a stated receipt (a referral registered late), not from registration.
    const assessment = await kit.runStep('protectionAssessment', { startAt: kit.fromReceipt });
    // Immediate protection is urgent work beside the case, which carries on.
    const urgent =
      assessment.outcome === 'immediate-protection-needed' && has(immediateProtectionStep)
        ? alongside(() => kit.runStep(immediateProtectionStep, { after: assessment }))
        : undefined;
    const rest = async () => {
      const decision = await kit.runStep('investigationDecision', { after: assessment });
      if (decision.outcome !== 'open-investigation') return;
      const investigation = await kit.runStep('investigation', { after: decision });
      if (investigation.outcome !== 'measures-decided') return;
      const plan = has('interventionPlan') ? await kit.runStep('interventionPlan', { after: investigation }) : investigation;
      if (!has('followUp')) return;
      const followUp = await kit.runStep('followUp', { after: plan });
      // Measures continue: the next follow-up, and so on (the first is follow-up 1).
      if (outcomesDrive && followUp.outcome === 'measures-continue') await followUps(1, followUp);
    };
    await Promise.all([urgent, rest()]);
  };

  const policeTrack = async () => {
    if (!input.routing?.tracks.includes('police-lul')) return;
    const steps = ['lulNotification', 'policeInvestigation', 'prosecutorStatement'].filter(has);
    await Promise.all([
      steps.includes('lulNotification') ? kit.runStep('lulNotification', { startAt: kit.fromReceipt }) : undefined,
      (async () => {
        // The 6 weeks run from the notification of suspicion: the referral's stated receipt.
        const investigation = steps.includes('policeInvestigation') ? await kit.runStep('policeInvestigation', { startAt: kit.fromReceipt }) : undefined;
        // A discontinued investigation ends the track: no charge to decide, so no statement to give.
        if (outcomesDrive && investigation?.outcome === 'investigation-discontinued') return;
        if (steps.includes('prosecutorStatement')) await kit.runStep('prosecutorStatement', { after: investigation });
      })(),
    ]);
  };

  if ((await kit.untilClosed(Promise.all([socialTrack(), alongside(policeTrack)]))) === closedByCoordinator) return kit.closeNow();
  await kit.close();
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
}
