// Not a workflow: what a case's tasks and companion cases take from its input alone (task ids, routed step, deadline anchor, companions); caseKit.ts holds the live case.
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { CaseWorkflowInput, TaskClock, TaskResult } from '../domain/messages';
import type { Clock, StepPolicy } from '../domain/policy';
import { act } from './activityProxies';

export interface StepOptions {
  idSuffix?: string;
  /** When the step's policy names no clock: the deadline counts from this (else from the opening). */
  startAt?: string;
  /** The step done just before on this track, for a clock from the previous step. */
  after?: TaskResult;
  /** Instead of the policy's clock (an acute threat raised now counts from now). */
  clock?: Clock;
  /** A due time the case sets, instead of the step's deadline rule. */
  dueAt?: string;
  openReason?: string;
  openedBy?: string;
  /** A step the policy does not hold (a joint-plan task a coordinator added), instead of the policy's. */
  step?: StepPolicy;
}

export function stepKebab(stepKey: string): string {
  return stepKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const refAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // as the API's case references: no I, L, O, U

/** A step of the case's policy, with the unit routing gave it. */
export function routedStep(input: CaseWorkflowInput, stepKey: string): StepPolicy {
  const { policy } = input;
  const step = policy.steps[stepKey];
  const unitCode = input.routing?.units[stepKey];
  return unitCode ? { ...step, unitCode } : step;
}

/** When the deadline counts from, by the step's clock, and what to record on the task. */
export function deadlineAnchor(input: CaseWorkflowInput, step: StepPolicy, opts: StepOptions, consentSince: string | undefined): { startAt?: string; clock?: TaskClock } {
  const clock = opts.clock ?? step.clock;
  switch (clock?.from) {
    case undefined:
      return { startAt: opts.startAt };
    case 'receipt':
      return { startAt: input.receivedAt, clock: { from: 'receipt' } };
    case 'previousStep':
      return opts.after ? { startAt: opts.after.completedAt, clock: { from: 'previousStep', ref: opts.after.stepKey } } : { clock: { from: 'opening' } };
    case 'consent':
      // A reopened case's deadlines count from the reopening, even where consent was given before it.
      return { startAt: input.reopen && consentSince && Date.parse(consentSince) < Date.parse(input.receivedAt) ? input.receivedAt : consentSince, clock: { from: 'consent' } };
    case 'statedDate': {
      const stated = input.dates?.[clock.date];
      return stated ? { startAt: stated, clock: { from: 'statedDate', ref: clock.date } } : { startAt: input.receivedAt, clock: { from: 'receipt' } };
    }
    case 'opening':
      return { clock: { from: 'opening' } };
  }
}

/**
 * Starts the cases routing puts beside this one (a minor's youth concern beside a voluntary
 * programme). They live on their own (abandoned, not ended, when this case closes), linked to it.
 */
export async function startCompanionCases(input: CaseWorkflowInput): Promise<void> {
  const { caseId } = input;
  for (const caseType of input.routing?.alongside ?? []) {
    // The API recorded its row under this id; a case from before that drew the id here.
    const companionId =
      input.companionIds?.[caseType] ?? `VPC-${new Date().getUTCFullYear()}-${Array.from({ length: 8 }, () => refAlphabet[Math.floor(Math.random() * 32)]).join('')}`;
    const companionPolicy = await act.openCompanionCase({ caseId: companionId, caseType, besideCaseId: caseId });
    const companion: CaseWorkflowInput = {
      caseId: companionId,
      policy: companionPolicy,
      receivedAt: input.receivedAt,
      receiptStated: input.receiptStated,
      // The social track only: the programme's own tracks stay with the programme.
      routing: input.routing ? { ...input.routing, tracks: [], units: {}, alongside: [] } : undefined,
      guardians: input.guardians,
      dates: input.dates,
      linkedCaseId: caseId,
    };
    await startChild('youthConcernCase', { workflowId: companionId, parentClosePolicy: ParentClosePolicy.ABANDON, args: [companion] });
  }
}
