import {
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  consentChangedSignal,
  getCaseStateQuery,
  taskConsentSignal,
  type CaseStateView,
  type CaseWorkflowInput,
  type ConsentChangedInput,
  type TaskResult,
} from '../domain/messages';
import type { StepPolicy } from '../domain/policy';
import { taskWorkflow } from './task';

/** Not a workflow: the parts every case workflow shares (state query, read model, consent, child tasks). */

export const caseActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface ConsentRecord {
  consentId: string;
  personRole: 'subject' | 'guardian';
  agency: string;
  purpose: string;
  status: 'given' | 'withdrawn';
  expiresAt?: string;
}

/** Carried across continue-as-new so a long case keeps what it knew. */
export interface CaseCarry {
  consents: ConsentRecord[];
  completedSteps: Array<{ stepKey: string; outcome: string }>;
  cycle: number;
  runs: number;
}

export function stepKebab(stepKey: string): string {
  return stepKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function createCaseKit(input: CaseWorkflowInput, carry?: CaseCarry) {
  const { caseId, policy } = input;
  const workflowId = workflowInfo().workflowId;
  const consents = new Map<string, ConsentRecord>((carry?.consents ?? []).map((c) => [c.consentId, c]));
  const state: CaseStateView = {
    caseId,
    caseType: policy.caseType,
    policyVersion: policy.version,
    status: 'open',
    currentStep: 'receipt',
    runs: (carry?.runs ?? 0) + 1,
    completedSteps: [...(carry?.completedSteps ?? [])],
  };
  setHandler(getCaseStateQuery, () => ({ ...state, completedSteps: [...state.completedSteps] }));

  /** Consent for one agency and purpose: the subject's, and for a minor also a guardian's, unexpired and not withdrawn. */
  const hasConsent = (agency: string, purpose: string): boolean => {
    const now = Date.now();
    const valid = [...consents.values()].filter(
      (c) => c.agency === agency && c.purpose === purpose && c.status === 'given' && (!c.expiresAt || Date.parse(c.expiresAt) > now),
    );
    const subject = valid.some((c) => c.personRole === 'subject');
    const guardian = valid.some((c) => c.personRole === 'guardian');
    return subject && (!input.routing?.subjectIsMinor || guardian);
  };

  // Running consent-gated tasks, so a change of consent reaches them at once.
  const gated = new Map<string, { agency: string; purpose: string; granted: boolean }>();
  const forward = async () => {
    for (const [childId, gate] of gated) {
      const granted = hasConsent(gate.agency, gate.purpose);
      if (granted === gate.granted) continue;
      gate.granted = granted;
      await getExternalWorkflowHandle(childId).signal(taskConsentSignal, { granted });
    }
  };
  let consentVersion = 0;
  setHandler(consentChangedSignal, async (change: ConsentChangedInput) => {
    // Delivered at least once (the API's reconciler re-delivers what it could not mark): by id, and
    // a withdrawal is final, so a late repeat of "given" cannot re-open what was withdrawn.
    if (change.status === 'given' && consents.get(change.consentId)?.status === 'withdrawn') return;
    consents.set(change.consentId, { ...change });
    consentVersion += 1;
    await forward();
  });

  // Expiry ends consent like a withdrawal: a timer runs to the next expiry, then tasks are re-checked.
  // With no expiring consent it waits without a timer, so cases without expiries record no extra events.
  const watchExpiry = async (): Promise<never> => {
    for (;;) {
      const seen = consentVersion;
      const now = Date.now();
      const expiries = [...consents.values()]
        .filter((c) => c.status === 'given' && c.expiresAt && Date.parse(c.expiresAt) > now)
        .map((c) => Date.parse(c.expiresAt!));
      if (!expiries.length) {
        await condition(() => consentVersion !== seen);
        continue;
      }
      const changed = await condition(() => consentVersion !== seen, Math.min(...expiries) - now);
      if (!changed) await forward();
    }
  };
  void watchExpiry();

  const progress = (status: 'open' | 'closed', currentStep: string) =>
    caseActivities.recordCaseProgress({ caseId, caseType: policy.caseType, policyVersion: policy.version, status, currentStep });

  const stepPolicy = (stepKey: string): StepPolicy => {
    const step = policy.steps[stepKey];
    const unitCode = input.routing?.units[stepKey];
    return unitCode ? { ...step, unitCode } : step;
  };

  /** Runs one step as a child task; consent-gated steps wait for consent inside the task. */
  const runStep = async (stepKey: string, opts: { idSuffix?: string; startAt?: string } = {}): Promise<TaskResult> => {
    state.currentStep = stepKey;
    const step = stepPolicy(stepKey);
    const childId = `${workflowId}.${stepKebab(stepKey)}${opts.idSuffix ?? ''}`;
    const gate = step.consent ? { agency: step.consent.agency, purpose: step.consent.purpose, granted: hasConsent(step.consent.agency, step.consent.purpose) } : undefined;
    const handle = await startChild(taskWorkflow, {
      workflowId: childId,
      args: [
        {
          taskId: childId,
          caseId,
          stepKey,
          step,
          policyVersion: policy.version,
          timeZone: policy.timeZone,
          startAt: opts.startAt,
          consent: gate ? { ...gate } : undefined,
        },
      ],
    });
    if (gate) {
      gated.set(childId, gate);
      await forward(); // consent may have changed while the child started
    }
    const result = await handle.result();
    gated.delete(childId);
    state.completedSteps.push({ stepKey, outcome: result.outcome });
    return result;
  };

  const carryOver = (cycle: number): CaseCarry => ({
    consents: [...consents.values()],
    completedSteps: state.completedSteps,
    cycle,
    runs: state.runs ?? 1,
  });

  const close = async (): Promise<void> => {
    state.status = 'closed';
    state.currentStep = 'closed';
    await progress('closed', 'closed');
  };

  /** Where a deadline "from receipt" starts: the stated receipt, else the task's own opening. */
  const fromReceipt = input.receiptStated ? input.receivedAt : undefined;

  return { state, progress, runStep, hasConsent, carryOver, close, stepPolicy, fromReceipt };
}
