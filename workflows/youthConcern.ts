import { executeChild, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  getCaseStateQuery,
  type CaseResult,
  type CaseStateView,
  type CaseWorkflowInput,
  type TaskResult,
} from '../domain/messages';
import type { YouthConcernStep } from '../domain/policy';
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
