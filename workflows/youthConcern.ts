import { executeChild, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  getCaseStateQuery,
  type CaseResult,
  type CaseStateView,
  type CaseWorkflowInput,
  type TaskResult,
} from '../domain/messages';
import type { YouthConcernStep } from '../domain/policy';
import { createCaseKit } from './caseKit';
import { taskWorkflow } from './task';

const act = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

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
export async function youthConcernCase(input: CaseWorkflowInput): Promise<CaseResult> {
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
 * The completed youth concern: the social-services track (protection assessment from receipt →
 * decision → investigation → intervention plan → follow-up) and, when routing adds "police-lul"
 * (15–17 and suspected), a parallel police track: the LUL 6 § notification to social services at
 * once, the police investigation within 6 weeks of the notification of suspicion (LUL 4 §) and the
 * statement to the prosecutor. Steps the policy lacks are skipped, so older policies still run.
 */
async function youthConcernWithTracks(input: CaseWorkflowInput): Promise<CaseResult> {
  const kit = createCaseKit(input);
  const has = (step: string) => step in input.policy.steps;
  await kit.progress('open', 'receipt');

  const socialTrack = async () => {
    // "Same day" counts from a stated receipt (a referral registered late), not from registration.
    await kit.runStep('protectionAssessment', { startAt: kit.fromReceipt });
    const decision = await kit.runStep('investigationDecision');
    if (decision.outcome !== 'open-investigation') return;
    const investigation = await kit.runStep('investigation');
    if (investigation.outcome !== 'measures-decided') return;
    if (has('interventionPlan')) await kit.runStep('interventionPlan');
    if (has('followUp')) await kit.runStep('followUp');
  };

  const policeTrack = async () => {
    if (!input.routing?.tracks.includes('police-lul')) return;
    const steps = ['lulNotification', 'policeInvestigation', 'prosecutorStatement'].filter(has);
    await Promise.all([
      steps.includes('lulNotification') ? kit.runStep('lulNotification', { startAt: kit.fromReceipt }) : undefined,
      (async () => {
        // The 6 weeks run from the notification of suspicion: the referral's stated receipt.
        if (steps.includes('policeInvestigation')) await kit.runStep('policeInvestigation', { startAt: kit.fromReceipt });
        if (steps.includes('prosecutorStatement')) await kit.runStep('prosecutorStatement');
      })(),
    ]);
  };

  await Promise.all([socialTrack(), policeTrack()]);
  await kit.close();
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps };
}
