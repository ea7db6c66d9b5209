import {
  allHandlersFinished,
  condition,
  type ChildWorkflowHandle,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { ErrorCode } from '../domain/errors';
import { addPlanTaskInputCheck, closeCaseInputCheck, raiseAcuteThreatInputCheck } from '../domain/messageChecks';
import {
  addPlanTaskUpdate,
  closeCaseUpdate,
  closeWithCaseSignal,
  getCaseStateQuery,
  raiseAcuteThreatUpdate,
  type CaseResult,
  type CaseStateView,
  type CaseWorkflowInput,
  planTaskStep,
  type TaskResult,
} from '../domain/messages';
import type { StepPolicy } from '../domain/policy';
import { acuteThreatStep, reconfirmationStep } from '../domain/policyTerms';
import { act } from './activityProxies';
import { createConsentRegister, type ConsentRecord } from './caseConsent';
import { deadlineAnchor, routedStep, startCompanionCases, stepKebab, type StepOptions } from './caseSteps';
import { taskWorkflow } from './task';
import { parseAccepted, parseOrReject, reject } from './validation';

/** Not a workflow: the parts every case workflow shares (state, consent, steps, tasks beside the steps, closing). */

export type { ConsentRecord };

/** Carried across continue-as-new so a long case keeps what it knew. */
export interface CaseCarry {
  consents: ConsentRecord[];
  completedSteps: Array<{ stepKey: string; outcome: string }>;
  cycle: number;
  runs: number;
  /** The step done last before the hand-over, for a clock that counts from it. */
  last?: TaskResult;
}

interface BesideTask {
  childId: string;
  /** Ended with the case if still running when it closes (else the case waits for it). */
  closesWithCase: boolean;
  result?: Promise<TaskResult>;
  done: boolean;
}

/** What `untilClosed` answers when a coordinator closed the case before its steps ended. */
export const closedByCoordinator = Symbol('closed by a coordinator');

export function createCaseKit(input: CaseWorkflowInput, carry?: CaseCarry) {
  const { caseId, policy } = input;
  const workflowId = workflowInfo().workflowId;
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

  const beside: BesideTask[] = [];
  let closing = false;
  // A coordinator may close the case (cases started before this could not; their histories lack the marker).
  const closable = patched('case-close-by-coordinator');
  let closeRequest: { reason: string; actor: string } | undefined;
  // The case's steps ended first: a close asked for meanwhile is answered with the case as it ends.
  let endingByItself = false;
  // Every task the case has started and not yet seen end, so a close reaches each of them.
  // (undefined while it is still starting: it closes itself once started, if the case is closing)
  const live = new Map<string, { signal: () => Promise<void> } | undefined>();
  // A reopened run's tasks carry the reopening's number, so their ids never meet an earlier run's.
  const runSuffix = input.reopen ? `-r${input.reopen.count}` : '';
  const consent = createConsentRegister(input, carry?.consents ?? input.reopen?.consents ?? [], (dueAt) => {
    // The coordinators' re-confirmation task, due when the consent ends; it closes with the case.
    void startBeside(reconfirmationStep, { idSuffix: `-${uuid4().slice(0, 8)}`, dueAt, clock: { from: 'opening' } }, true).catch(() => undefined);
  });

  /** Consent for one agency and purpose, under the policy's guardian rule. */
  const hasConsent = (agency: string, purpose: string): boolean => consent.verdict(agency, purpose).inForce;

  const progress = (status: 'open' | 'closed', currentStep: string, closeReason?: string): Promise<void> =>
    // A track still going after a coordinator closed the case stops here: the case stays closed.
    closeRequest && status === 'open'
      ? new Promise<never>(() => undefined)
      : act.recordCaseProgress({ caseId, caseType: policy.caseType, policyVersion: policy.version, status, currentStep, closeReason });

  const stepPolicy = (stepKey: string): StepPolicy => routedStep(input, stepKey);

  /** Starts one step as a child task; consent-gated steps wait for consent inside the task. */
  const startStep = async (stepKey: string, opts: StepOptions) => {
    // A case closing starts nothing more: the track that asked waits, and the case ends without it.
    if (closeRequest) return new Promise<never>(() => undefined);
    state.currentStep = stepKey;
    const step = opts.step ?? stepPolicy(stepKey);
    const childId = `${workflowId}.${stepKebab(stepKey)}${opts.idSuffix ?? ''}${runSuffix}`;
    const verdict = step.consent ? consent.verdict(step.consent.agency, step.consent.purpose) : undefined;
    const gate = step.consent && verdict ? { agency: step.consent.agency, purpose: step.consent.purpose, granted: verdict.inForce } : undefined;
    const { startAt, clock } = deadlineAnchor(input, step, opts, verdict?.inForce ? verdict.since : undefined);
    // Known to a close from before it starts, so the case never ends with a task still starting.
    if (closable) live.set(childId, undefined);
    let handle: ChildWorkflowHandle<typeof taskWorkflow>;
    try {
      handle = await startChild(taskWorkflow, {
        workflowId: childId,
        args: [
          {
            taskId: childId,
            caseId,
            stepKey,
            step,
            policyVersion: policy.version,
            timeZone: policy.timeZone,
            startAt,
            consent: gate ? { ...gate } : undefined,
            clock,
            dueAt: opts.dueAt,
            openReason: opts.openReason,
            openedBy: opts.openedBy,
          },
        ],
      });
    } catch (err) {
      live.delete(childId);
      throw err;
    }
    if (gate) await consent.track(childId, gate); // consent may have changed while the child started
    if (closable) {
      live.set(childId, { signal: () => handle.signal(closeWithCaseSignal) });
      const ended = () => void live.delete(childId);
      void handle.result().then(ended, ended);
      // Closed while it started: it ends with the case at once.
      if (closeRequest) await handle.signal(closeWithCaseSignal).catch(() => undefined);
    }
    return { childId, handle };
  };

  const finished = (childId: string, result: TaskResult): TaskResult => {
    consent.untrack(childId);
    state.completedSteps.push({ stepKey: result.stepKey, outcome: result.outcome });
    return result;
  };

  /** Runs one step to its end. (One async function, as before, so running cases see the same order of commands.) */
  const runStep = async (stepKey: string, opts: StepOptions = {}): Promise<TaskResult> => {
    const { childId, handle } = await startStep(stepKey, opts);
    const result = await handle.result();
    return finished(childId, result);
  };

  /** A task beside the case's steps (an acute threat, a re-confirmation): tracked until it ends. */
  const startBeside = async (stepKey: string, opts: StepOptions, closesWithCase: boolean): Promise<string> => {
    const entry: BesideTask = { childId: `${workflowId}.${stepKebab(stepKey)}${opts.idSuffix ?? ''}${runSuffix}`, closesWithCase, done: false };
    beside.push(entry);
    try {
      const current = state.currentStep;
      const starting = startStep(stepKey, opts);
      state.currentStep = current; // a task beside the steps is not the case's current step
      const { childId, handle } = await starting;
      entry.result = handle.result().then((result) => finished(childId, result));
    } catch (err) {
      entry.done = true;
      throw err;
    }
    const settle = () => void (entry.done = true);
    void entry.result.then(settle, settle);
    return entry.childId;
  };

  // Acute threat at any time: a coordinator, or staff of a unit with a task in the case, raises it
  // (the API checks who); the police safety unit gets the same-day task, with the reason recorded.
  setHandler(
    raiseAcuteThreatUpdate,
    async (raw) => {
      const update = parseAccepted(raiseAcuteThreatInputCheck, raw);
      const opts = { idSuffix: `-${uuid4().slice(0, 8)}`, clock: { from: 'opening' as const }, openReason: update.reason, openedBy: update.actor };
      return { taskId: await startBeside(acuteThreatStep, opts, false) };
    },
    {
      validator: (raw) => {
        parseOrReject(raiseAcuteThreatInputCheck, raw);
        if (state.status === 'closed' || closing) reject(ErrorCode.CaseNotOpen, 'the case is closed');
        if (!(acuteThreatStep in policy.steps)) reject(ErrorCode.InvalidPolicy, `policy ${policy.version} has no ${acuteThreatStep} step`);
      },
    },
  );

  /** Starts the cases routing puts beside this one: see startCompanionCases. */
  const startCompanions = (): Promise<void> => startCompanionCases(input);

  /** No task beside the steps still runs: the case may continue as new. */
  const idle = (): boolean => beside.every((t) => t.done);

  const carryOver = (cycle: number, last?: TaskResult): CaseCarry => ({
    consents: consent.records(),
    completedSteps: state.completedSteps,
    cycle,
    runs: state.runs ?? 1,
    ...(last ? { last } : {}),
  });

  /** Closes the case: tasks beside it that close with it are ended, the others awaited. */
  const close = async (closeReason?: string): Promise<void> => {
    closing = true;
    endingByItself = true;
    await condition(() => beside.every((t) => t.done || t.result !== undefined));
    for (const t of beside) if (!t.done && t.closesWithCase) await getExternalWorkflowHandle(t.childId).signal(closeWithCaseSignal);
    await Promise.all(beside.map((t) => t.result));
    await condition(allHandlersFinished);
    state.status = 'closed';
    state.currentStep = 'closed';
    if (closeReason) state.closeReason = closeReason;
    await progress('closed', 'closed', closeReason);
  };

  // Joint plans with any agency: a coordinator adds a task for a unit to a voluntary programme.
  // It runs beside the steps, waits for consent to share with its agency like the plan's own
  // tasks, and ends with the case.
  setHandler(
    addPlanTaskUpdate,
    async (raw) => {
      const update = parseAccepted(addPlanTaskInputCheck, raw);
      const opts = { idSuffix: `-${uuid4().slice(0, 8)}`, clock: { from: 'opening' as const }, openedBy: update.actor, step: update.step };
      return { taskId: await startBeside(planTaskStep, opts, true) };
    },
    {
      validator: (raw) => {
        parseOrReject(addPlanTaskInputCheck, raw);
        if (state.status === 'closed' || closing || closeRequest) reject(ErrorCode.CaseNotOpen, 'the case is closed', 'closed');
        if (policy.caseType !== 'social-intervention-group' && policy.caseType !== 'exit-programme') {
          reject(ErrorCode.JointPlanNotAllowed, 'joint-plan tasks belong to SIG and exit cases');
        }
      },
    },
  );

  // A coordinator closes the case with a reason: the answer comes once it is closed.
  setHandler(
    closeCaseUpdate,
    async (raw) => {
      const update = parseAccepted(closeCaseInputCheck, raw);
      closeRequest = { reason: update.reason, actor: update.actor };
      await condition(() => state.status === 'closed' || endingByItself);
      return { ...state, completedSteps: [...state.completedSteps] };
    },
    {
      validator: (raw) => {
        parseOrReject(closeCaseInputCheck, raw);
        if (state.status === 'closed' || closing || closeRequest) reject(ErrorCode.CaseNotOpen, 'the case is closed or closing', 'closed');
        if (!closable) reject(ErrorCode.CaseNotClosable, 'the case started before coordinators could close cases; it closes when its steps end');
      },
    },
  );

  /**
   * The case's work, until it ends or a coordinator closes the case (then `closedByCoordinator`).
   * What was still running is left to `closeNow`.
   */
  const untilClosed = async <T>(work: Promise<T>): Promise<T | typeof closedByCoordinator> => {
    if (!closable) return work;
    // The track left behind may still fail as its tasks end: that is not the case failing.
    work.catch(() => undefined);
    const closed = condition(() => closeRequest !== undefined).then((): typeof closedByCoordinator => closedByCoordinator);
    return Promise.race([work, closed]);
  };

  /** Closes the case as a coordinator asked: every task still running ends as closed, its timers with it. */
  const closeNow = async (): Promise<CaseResult> => {
    closing = true;
    const reason = closeRequest?.reason ?? 'completed';
    for (const task of live.values()) await task?.signal().catch(() => undefined);
    await condition(() => live.size === 0);
    // Recorded first, so the coordinator's answer comes once the read model says closed.
    await progress('closed', 'closed', reason);
    state.status = 'closed';
    state.currentStep = 'closed';
    state.closeReason = reason;
    await condition(allHandlersFinished);
    return { caseId, status: 'closed', steps: state.completedSteps, closeReason: reason };
  };

  /** Where a deadline "from receipt" starts: the stated receipt, else the task's own opening. */
  const fromReceipt = input.receiptStated ? input.receivedAt : undefined;

  return { state, progress, runStep, startBeside, startCompanions, hasConsent, carryOver, close, idle, stepPolicy, fromReceipt, untilClosed, closeNow };
}
