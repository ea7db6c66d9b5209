import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type * as schemas from './messageSchemas';
import type { CaseDateKey, Clock, PolicyDocument, StepPolicy } from './policy';

/**
 * Messages shared by the API and the workflows. Each takes one input object whose type is
 * derived from its zod schema (domain/messageSchemas.ts); the workflows' update validators check
 * the same shapes (domain/messageChecks.ts), so bad input is rejected before it reaches history.
 * Types only from zod here: workflow code imports this module.
 */

export type CompleteTaskInput = z.infer<typeof schemas.completeTaskInputSchema>;

export type ExtendDeadlineInput = z.infer<typeof schemas.extendDeadlineInputSchema>;

export type AcknowledgeEscalationInput = z.infer<typeof schemas.acknowledgeEscalationInputSchema>;

/** A task's state; "not-shared" ended a wait with a refusal, "closed" ended with its case. */
export type TaskStatus = 'open' | 'completed' | 'waiting-for-consent' | 'withdrawn' | 'not-shared' | 'closed';
export type EscalationStatus = 'open' | 'acknowledged' | 'resolved';

export interface EscalationView {
  id: string;
  level: number;
  target: string;
  status: EscalationStatus;
  raisedAt: string;
}

export interface ExtensionView {
  sequence: number;
  previousDueAt: string;
  newDueAt: string;
  justification: string;
  extendedBy: string;
}

export interface TaskView {
  taskId: string;
  caseId: string;
  stepKey: string;
  unitCode: string;
  status: TaskStatus;
  startedAt: string;
  dueAt: string;
  originalDueAt: string;
  outcome?: string;
  completedBy?: string;
  completedAt?: string;
  /** When a task withdrawn, not shared or closed with its case ended. */
  endedAt?: string;
  extensions: ExtensionView[];
  escalations: EscalationView[];
}

export const completeTaskUpdate = defineUpdate<TaskView, [CompleteTaskInput]>('completeTask');
export const extendDeadlineUpdate = defineUpdate<TaskView, [ExtendDeadlineInput]>('extendDeadline');
export const acknowledgeEscalationUpdate = defineUpdate<EscalationView, [AcknowledgeEscalationInput]>(
  'acknowledgeEscalation',
);
export const getTaskQuery = defineQuery<TaskView>('getTask');

/**
 * A supervisor moves an open task to another unit: its reminders, escalations and emails go there
 * from now on, and its deadline stays. The reason is kept by the API (encrypted), never sent here.
 */
export type ReassignTaskInput = z.infer<typeof schemas.reassignTaskInputSchema>;
export const reassignTaskUpdate = defineUpdate<TaskView, [ReassignTaskInput]>('reassignTask');

export interface CaseStateView {
  caseId: string;
  caseType: string;
  policyVersion: string;
  status: 'open' | 'closed';
  currentStep: string;
  runs?: number;
  completedSteps: Array<{ stepKey: string; outcome: string }>;
  closeReason?: string;
}
export const getCaseStateQuery = defineQuery<CaseStateView>('getCaseState');

/**
 * A coordinator closes a running case with a reason (domain/caseClosing.ts): every task still
 * running ends as closed with it and its timers stop. Answers once the case is closed.
 */
export type CloseCaseInput = z.infer<typeof schemas.closeCaseInputSchema>;
export const closeCaseUpdate = defineUpdate<CaseStateView, [CloseCaseInput]>('closeCase');

/**
 * A new run of a closed case's workflow, under the case's id: it starts at `fromStep`, its
 * deadlines count from the reopening, and its tasks' ids end in `-r<count>` so they never meet
 * the earlier runs' tasks. The same start serves any restart of a case whose workflow is gone.
 */
export interface CaseReopening {
  /** 1 for the first reopening, and so on. */
  count: number;
  fromStep: string;
  /** The consents the case has recorded (roles, never names), so the new run knows what is shared. */
  consents: ConsentChangedInput[];
}

/** Input of the task-with-deadline engine: everything it needs, snapshotted from the policy. */
export interface TaskWorkflowInput {
  taskId: string;
  caseId: string;
  stepKey: string;
  step: StepPolicy;
  policyVersion: string;
  timeZone: string;
  /** When the deadline counts from (e.g. receipt of the referral); the workflow's start if absent. */
  startAt?: string;
  consent?: ConsentGate;
  /** What `startAt` is (recorded on the task); absent in tasks from before clocks were named. */
  clock?: TaskClock;
  /** A due time the case sets (a re-confirmation due when the consent ends), instead of the step's rule. */
  dueAt?: string;
  /** Why the task was opened beside the case's steps (an acute threat raised), and by whom. */
  openReason?: string;
  openedBy?: string;
}

/** What a task's deadline counts from, as recorded on it: the policy's anchor and, for a step or date, which. */
export interface TaskClock {
  from: Clock['from'];
  ref?: string;
}

export interface TaskResult {
  taskId: string;
  stepKey: string;
  outcome: string;
  completedBy: string;
  completedAt: string;
  /** Set when the task ended without completion (consent withdrawn). */
  withdrawn?: boolean;
  /** How a task that was not completed ended. */
  ended?: 'withdrawn' | 'not-shared' | 'closed';
}

/**
 * Case workflows carry no personal data: the subject's details stay in PostgreSQL.
 * Routing attributes (age, suspicion) are facts the process needs, not identities.
 */
export interface CaseWorkflowInput {
  caseId: string;
  policy: PolicyDocument;
  receivedAt: string;
  /**
   * True when the referral stated its own time of receipt (earlier than registration): deadlines
   * that run from receipt then count from it. Otherwise they count from when the task opens.
   */
  receiptStated?: boolean;
  /** Absent in histories from before routing. */
  routing?: RoutingDecision;
  /** How many guardians the case records for a minor (a count, not people); unknown when absent. */
  guardians?: number;
  /** Dates the case states beside its receipt, e.g. when the police notified the suspicion. */
  dates?: Partial<Record<CaseDateKey, string>>;
  /** The case this one was started beside (a minor's youth concern beside a voluntary programme). */
  linkedCaseId?: string;
  /**
   * The ids the API recorded the cases of `routing.alongside` under, by case type (the API is the
   * only creator of case rows). Absent in histories whose workflow drew the ids itself.
   */
  companionIds?: Partial<Record<CompanionCaseType, string>>;
  /** Set when a coordinator reopened the case: this run starts there (absent in every first run). */
  reopen?: CaseReopening;
}

/** What routing may start beside a case for the same referral. */
export type CompanionCaseType = 'youth-concern';

export interface CaseResult {
  caseId: string;
  status: 'closed';
  steps: Array<{ stepKey: string; outcome: string }>;
  /** Why the case closed, when not simply completed (e.g. "declined", "no-consent"). */
  closeReason?: string;
}

/** A coordinator, or staff of a unit with a task in the case, raises an acute threat on a running case. */
export type RaiseAcuteThreatInput = z.infer<typeof schemas.raiseAcuteThreatInputSchema>;
export const raiseAcuteThreatUpdate = defineUpdate<{ taskId: string }, [RaiseAcuteThreatInput]>('raiseAcuteThreat');

/**
 * A coordinator adds a task for any registered unit to a programme's joint plan (SIG, exit). The
 * API builds its step from the policy's own consent-gated step (deadline, reminders, ladder, the
 * consent's purpose and wait) with the unit and its agency; no free text reaches the workflow.
 */
export type AddPlanTaskInput = z.infer<typeof schemas.addPlanTaskInputSchema>;
export const addPlanTaskUpdate = defineUpdate<{ taskId: string }, [AddPlanTaskInput]>('addPlanTask');
/** The step key a joint-plan task added by a coordinator is recorded under. */
export const planTaskStep = 'jointPlanTask';

/** The case types with a joint plan, to which a coordinator adds tasks for any unit (SIG and exit). */
export const jointPlanCaseTypes: readonly string[] = ['social-intervention-group', 'exit-programme'];

// ---- Consent (OSL 12:2) -------------------------------------------------------------------

export const consentPersonRoles = ['subject', 'guardian'] as const;

/** What the case workflow learns about one consent: no names, only the facts that gate sharing. */
export type ConsentChangedInput = z.infer<typeof schemas.consentChangedInputSchema>;
export const consentChangedSignal = defineSignal<[ConsentChangedInput]>('consentChanged');

/**
 * Case → task: consent for the task's agency and purpose now exists (or no longer does); `refused`
 * when someone whose consent is needed said no, `expired` when it lapsed rather than was withdrawn.
 */
export type TaskConsentInput = z.infer<typeof schemas.taskConsentInputSchema>;
export const taskConsentSignal = defineSignal<[TaskConsentInput]>('taskConsent');

/** Case → task: the case closed while the task still ran beside it. */
export const closeWithCaseSignal = defineSignal('closeWithCase');

export interface ConsentGate {
  agency: string;
  purpose: string;
  /** Whether consent existed when the task started; later changes come by taskConsentSignal. */
  granted: boolean;
}

// ---- Routing ------------------------------------------------------------------------------

/** What routing decided, handed to the case workflow. Facts for the process, never identities. */
export interface RoutingDecision {
  tableVersion: string;
  ruleId: string;
  /** Optional branches the case type defines, e.g. "police-lul" or "acute-threat". */
  tracks: string[];
  /** Step key → unit code, overriding the policy's unit for this case. */
  units: Record<string, string>;
  subjectIsMinor: boolean;
  /** Case types started beside this one for the same referral, linked to it. */
  alongside?: CompanionCaseType[];
}
