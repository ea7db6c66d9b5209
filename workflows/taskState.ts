import type { DeadlinePlan } from '../domain/deadlines';
import { ErrorCode } from '../domain/errors';
import { acknowledgeEscalationInputCheck, completeTaskInputCheck, extendDeadlineInputCheck, reassignTaskInputCheck } from '../domain/messageChecks';
import type {
  AcknowledgeEscalationInput,
  CompleteTaskInput,
  EscalationView,
  ExtendDeadlineInput,
  ExtensionView,
  ReassignTaskInput,
  TaskConsentInput,
  TaskResult,
  TaskStatus,
  TaskView,
  TaskWorkflowInput,
} from '../domain/messages';
import { whyNotOpen } from '../domain/taskRefusals';
import { parseOrReject, reject } from './validation';

/**
 * The state and rules of one task, apart from timers and activities, so a unit test can drive it:
 * the validators (each refusal names the task's actual state), the transitions (complete, extend,
 * acknowledge, the consent gate, closing with the case) and the views.
 */
export class TaskState {
  status: TaskStatus = 'open';
  plan: DeadlinePlan | undefined;
  private originalDueAt: string | undefined;
  private completion: { outcome: string; completedBy: string; completedAt: string } | undefined;
  private endedAt: string | undefined;
  /** Whether consent exists now; a task without a gate never needs it. */
  consentGranted: boolean;
  /** Withdrawn because the consent lapsed (the coordinators are told too), not because it was withdrawn. */
  expired = false;
  /** The task opened at its unit (a task that only waited for consent never reached it). */
  reachedUnit = false;
  readonly extensions: ExtensionView[] = [];
  readonly escalations: EscalationView[] = [];
  /** The unit holding the task: the step's, until a supervisor moves it. */
  unitCode: string;
  /** How many times the task was moved (each move's email has its own key). */
  moves = 0;

  constructor(
    private readonly input: TaskWorkflowInput,
    private readonly startAt: string,
  ) {
    this.consentGranted = input.consent?.granted ?? true;
    this.unitCode = input.step.unitCode;
  }

  get waiting(): boolean {
    return this.status === 'waiting-for-consent';
  }

  /** Open or waiting: not completed, withdrawn, refused or closed. */
  get live(): boolean {
    return this.status === 'open' || this.status === 'waiting-for-consent';
  }

  // ---- validators: throw a coded failure, return the parsed input --------------------------

  checkComplete(raw: unknown): CompleteTaskInput {
    const update = parseOrReject(completeTaskInputCheck, raw);
    const whileWaiting = this.input.step.consent?.outcomesWhileWaiting ?? [];
    if (!(this.waiting && whileWaiting.includes(update.outcome))) this.refuseUnlessOpen();
    const { outcomes } = this.input.step;
    if (!outcomes.includes(update.outcome)) reject(ErrorCode.InvalidOutcome, `outcome must be one of: ${outcomes.join(', ')}`);
    return update;
  }

  checkExtend(raw: unknown, now: number): ExtendDeadlineInput {
    const update = parseOrReject(extendDeadlineInputCheck, raw);
    this.refuseUnlessOpen();
    if (!this.plan) reject(ErrorCode.TaskNotOpen, 'the task is still opening; try again in a moment', 'open');
    const newDue = Date.parse(update.newDueAt);
    if (newDue <= now) reject(ErrorCode.InvalidExtension, 'newDueAt must be in the future');
    if (newDue <= Date.parse(this.plan.dueAt)) reject(ErrorCode.InvalidExtension, 'newDueAt must be later than the current due time');
    return update;
  }

  checkAcknowledge(raw: unknown): AcknowledgeEscalationInput {
    const update = parseOrReject(acknowledgeEscalationInputCheck, raw);
    const escalation = this.escalations.find((e) => e.id === update.escalationId);
    if (!escalation) reject(ErrorCode.EscalationNotFound, 'no such escalation on this task');
    if (escalation.status !== 'open') reject(ErrorCode.EscalationAlreadyAcknowledged, `the escalation is already ${escalation.status}`);
    return update;
  }

  checkReassign(raw: unknown): ReassignTaskInput {
    const update = parseOrReject(reassignTaskInputCheck, raw);
    this.refuseUnlessOpen();
    if (!this.plan) reject(ErrorCode.TaskNotOpen, 'the task is still opening; try again in a moment', 'open');
    if (update.unitCode === this.unitCode) reject(ErrorCode.InvalidReassignment, 'the task is already in that unit');
    return update;
  }

  private refuseUnlessOpen(): void {
    const why = whyNotOpen({
      status: this.status,
      completedBy: this.completion?.completedBy,
      completedAt: this.completion?.completedAt,
      endedAt: this.endedAt,
      consent: this.input.consent,
    });
    if (why) reject(why.code, why.message, why.reason);
  }

  // ---- transitions ---------------------------------------------------------------------------

  beginWaiting(): void {
    this.status = 'waiting-for-consent';
  }

  /** The plan shown while the task is not open yet (the consent wait's own deadline). */
  planned(plan: DeadlinePlan): void {
    this.plan = plan;
  }

  /** The wait is over: consent exists. What the wait escalated is resolved. */
  consentArrived(): void {
    this.status = 'open';
    this.resolveOpenEscalations();
  }

  opened(plan: DeadlinePlan): void {
    this.plan = plan;
    this.originalDueAt = plan.dueAt;
    this.reachedUnit = true;
  }

  consentChanged(change: TaskConsentInput, at: string): void {
    this.consentGranted = change.granted;
    if (change.granted || !this.live) return;
    // A waiting task has shared nothing: it keeps waiting, unless the answer is a refusal.
    if (this.waiting) {
      if (change.refused) this.end('not-shared', at);
      return;
    }
    this.expired = change.expired === true;
    this.end('withdrawn', at);
  }

  closeWithCase(at: string): void {
    if (this.live) this.end('closed', at);
  }

  complete(update: CompleteTaskInput, completedAt: string): void {
    this.completion = { outcome: update.outcome, completedBy: update.actor, completedAt };
    this.status = 'completed';
    this.resolveOpenEscalations();
  }

  extend(update: ExtendDeadlineInput): ExtensionView {
    if (!this.plan) throw new Error('unreachable: extension validated before the task opened');
    const extension: ExtensionView = {
      sequence: this.extensions.length + 1,
      previousDueAt: this.plan.dueAt,
      newDueAt: new Date(update.newDueAt).toISOString(),
      justification: update.justification,
      extendedBy: update.actor,
    };
    this.extensions.push(extension);
    return extension;
  }

  /** The task is now the other unit's; its deadline stays. Returns the move's number. */
  reassign(update: ReassignTaskInput): number {
    this.unitCode = update.unitCode;
    this.moves += 1;
    return this.moves;
  }

  acknowledge(update: AcknowledgeEscalationInput): EscalationView {
    const escalation = this.escalations.find((e) => e.id === update.escalationId);
    if (!escalation) throw new Error('unreachable: validated escalation vanished');
    escalation.status = 'acknowledged';
    return escalation;
  }

  escalated(raised: EscalationView): void {
    const { id, level, target, status, raisedAt } = raised;
    this.escalations.push({ id, level, target, status, raisedAt });
  }

  private end(status: 'withdrawn' | 'not-shared' | 'closed', at: string): void {
    this.status = status;
    this.endedAt = at;
    this.resolveOpenEscalations();
  }

  private resolveOpenEscalations(): void {
    for (const e of this.escalations) if (e.status === 'open') e.status = 'resolved';
  }

  // ---- views -----------------------------------------------------------------------------------

  view(): TaskView {
    const { taskId, caseId, stepKey } = this.input;
    return {
      taskId,
      caseId,
      stepKey,
      unitCode: this.unitCode,
      status: this.status,
      startedAt: this.plan?.startAt ?? this.startAt,
      dueAt: this.plan?.dueAt ?? this.startAt,
      originalDueAt: this.originalDueAt ?? this.plan?.dueAt ?? this.startAt,
      outcome: this.completion?.outcome,
      completedBy: this.completion?.completedBy,
      completedAt: this.completion?.completedAt,
      endedAt: this.endedAt,
      extensions: [...this.extensions],
      escalations: this.escalations.map((e) => ({ ...e })),
    };
  }

  result(): TaskResult {
    const { taskId, stepKey } = this.input;
    if (this.completion) return { taskId, stepKey, ...this.completion };
    if (this.status !== 'withdrawn' && this.status !== 'not-shared' && this.status !== 'closed') {
      throw new Error('unreachable: a task ends completed, withdrawn, not shared or closed');
    }
    const ended = this.status;
    return {
      taskId,
      stepKey,
      outcome: ended,
      completedBy: 'system',
      completedAt: this.endedAt ?? this.startAt,
      ...(ended === 'withdrawn' ? { withdrawn: true } : {}),
      ended,
    };
  }
}
