import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  acknowledgeEscalationInputSchema,
  acknowledgeEscalationUpdate,
  closeWithCaseSignal,
  completeTaskInputSchema,
  completeTaskUpdate,
  extendDeadlineInputSchema,
  extendDeadlineUpdate,
  getTaskQuery,
  reassignTaskInputSchema,
  reassignTaskUpdate,
  taskConsentSignal,
  type TaskResult,
  type TaskWorkflowInput,
} from '../domain/messages';
import { act } from './activityProxies';
import { TaskSchedule } from './taskSchedule';
import { TaskState } from './taskState';

type NotifyInput = Parameters<Activities['notify']>[0];

/**
 * The task-with-deadline engine: one task for one unit, due at a time the policy sets, reminded
 * before, escalated rung by rung after (and again after the last rung, when the policy says so).
 * Escalation never cancels the task; completion, a withdrawal, a refusal or the case's close end
 * it. An extension re-dates the schedule. The state and its rules live in TaskState; this function
 * wires messages to it and runs the schedule. Handlers are registered first, so every message
 * meets its validator, whatever the task is doing.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskResult> {
  const { taskId, caseId, step } = input;
  const startAt = input.startAt ?? new Date().toISOString();
  const now = () => new Date().toISOString();
  const state = new TaskState(input, startAt);
  // The deadline being watched: the consent wait's, then the task's own.
  let schedule: TaskSchedule | undefined;
  const repeat = step.repeatEscalationEvery ? { every: step.repeatEscalationEvery, timeZone: input.timeZone } : undefined;

  setHandler(taskConsentSignal, (change) => state.consentChanged(change, now()));
  setHandler(closeWithCaseSignal, () => state.closeWithCase(now()));
  setHandler(getTaskQuery, () => state.view());
  setHandler(
    completeTaskUpdate,
    async (raw) => {
      const update = completeTaskInputSchema.parse(raw);
      const completedAt = now();
      // Claimed before the first await so a concurrent completion is rejected by the validator.
      state.complete(update, completedAt);
      await act.recordTaskCompleted({ taskId, outcome: update.outcome, note: update.note, completedBy: update.actor, completedAt });
      return state.view();
    },
    { validator: (raw) => void state.checkComplete(raw) },
  );
  setHandler(
    extendDeadlineUpdate,
    async (raw) => {
      const extension = state.extend(extendDeadlineInputSchema.parse(raw));
      const plan = await act.extendTask({ taskId, ...extension, startAt: now(), step, timeZone: input.timeZone });
      state.plan = plan;
      schedule?.redate(plan);
      await mail.send({ idempotencyKey: `${taskId}:extended:${extension.sequence}`, taskId, kind: 'extended', target: 'unitInbox', stepTitle: step.title });
      return state.view();
    },
    { validator: (raw) => void state.checkExtend(raw, Date.now()) },
  );
  setHandler(
    acknowledgeEscalationUpdate,
    async (raw) => {
      const update = acknowledgeEscalationInputSchema.parse(raw);
      const escalation = state.acknowledge(update);
      const acknowledged = await act.recordEscalationAcknowledged({
        escalationId: escalation.id,
        acknowledgedBy: update.actor,
        acknowledgedAt: now(),
        note: update.note,
        repeat: state.live ? repeat : undefined,
      });
      // Acknowledged is not solved: while the task is open, the ladder comes back.
      if (acknowledged?.rearmAt && state.live) schedule?.rearm(acknowledged.rearmAt);
      return { ...escalation };
    },
    { validator: (raw) => void state.checkAcknowledge(raw) },
  );

  // A move to another unit: the activities read the task's unit from its row, so from the recorded
  // move on every reminder, escalation and email goes to the new unit. Adding a handler adds no
  // command to a history that never received it, so tasks already running take moves as well.
  setHandler(
    reassignTaskUpdate,
    async (raw) => {
      const update = reassignTaskInputSchema.parse(raw);
      const move = state.reassign(update);
      await act.recordTaskReassigned({ taskId, unitCode: update.unitCode });
      await mail.send({ idempotencyKey: `${taskId}:reassigned:${move}`, taskId, kind: 'reassigned', target: 'unitInbox', stepTitle: step.title });
      return state.view();
    },
    { validator: (raw) => void state.checkReassign(raw) },
  );

  // Emails used to be awaited in line, so a mail outage held back the next reminder and escalation.
  // Now they run beside the timers and the task waits for them only before it closes.
  const mail = mailer(patched('mail-beside-timers'));

  /** Fires the schedule's events until it is done: reminders to the inbox, escalations up the ladder. */
  const runSchedule = async (watched: TaskSchedule, ladder: { escalationId: (level: number) => string; recipientUnitCode?: string; send: (n: NotifyInput) => Promise<void> }) => {
    schedule = watched;
    while (!watched.done()) {
      const event = await watched;
      if (!event) continue;
      if (event.kind === 'reminder') {
        await ladder.send({ idempotencyKey: `${taskId}:reminder:${event.key}`, taskId, kind: 'reminder', target: 'unitInbox', stepTitle: step.title });
        continue;
      }
      const raised = await act.raiseEscalation({
        escalationId: ladder.escalationId(event.level),
        taskId,
        caseId,
        level: event.level,
        target: event.target,
        dueAt: watched.plan.dueAt,
        recipientUnitCode: ladder.recipientUnitCode,
        repeat,
      });
      state.escalated(raised);
      watched.escalated(raised.nextRepeatAt);
      await ladder.send({
        idempotencyKey: `${raised.id}:notify`,
        taskId,
        kind: 'escalation',
        target: event.target,
        stepTitle: step.title,
        level: event.level,
        recipientUnitCode: ladder.recipientUnitCode,
      });
    }
  };

  let waited = false;
  if (input.consent && !input.consent.granted && patched('task-consent-gate')) {
    // Consent gate: the task shows as waiting, on a deadline of its own, and tells the coordinators.
    waited = true;
    state.beginWaiting();
    const waitUnit = step.consent?.waitUnitCode ?? 'vpc-coordination';
    const waitPlan = await act.openWaitingTask({ taskId, caseId, stepKey: input.stepKey, unitCode: step.unitCode, startAt, step, timeZone: input.timeZone });
    state.planned(waitPlan);
    await act.notify({ idempotencyKey: `${taskId}:waiting`, taskId, kind: 'waiting-for-consent', target: 'unitInbox', stepTitle: step.title, recipientUnitCode: waitUnit });
    await runSchedule(new TaskSchedule(waitPlan, () => state.consentGranted || !state.waiting), {
      escalationId: (level) => `${taskId}.consent-wait${level > 1 ? `-${level}` : ''}`,
      recipientUnitCode: waitUnit,
      send: async (n) => void (await act.notify(n)),
    });
    if (state.waiting) state.consentArrived();
  }

  if (state.live) {
    const plan = await act.openTask({
      taskId,
      caseId,
      stepKey: input.stepKey,
      unitCode: step.unitCode,
      // A deadline such as "action plan within 30 days of consent" counts from when consent came.
      startAt: waited && (!input.clock || input.clock.from === 'consent') ? now() : startAt,
      step,
      timeZone: input.timeZone,
      consent: input.consent,
      clock: input.clock,
      dueAt: input.dueAt,
      openReason: input.openReason,
      openedBy: input.openedBy,
    });
    state.opened(plan);
    await mail.send({ idempotencyKey: `${taskId}:assigned`, taskId, kind: 'assigned', target: 'unitInbox', stepTitle: step.title });
    for (const target of step.notifyOnOpen ?? []) {
      await mail.send({ idempotencyKey: `${taskId}:assigned:${target}`, taskId, kind: 'assigned', target, stepTitle: step.title });
    }
    const ladder = new TaskSchedule(plan, () => !state.live);
    await runSchedule(ladder, { escalationId: (level) => `${taskId}.esc-${ladder.version + 1}-${level}`, send: mail.send });
  }

  await recordEnding(state, input);
  // Closing would abandon emails still retrying (say, while the mail server is down).
  await mail.settled();
  await condition(allHandlersFinished);
  return state.result();
}

/** Emails in line (tasks from before mail-beside-timers) or beside the timers, awaited before the task ends. */
function mailer(besideTimers: boolean) {
  const pending: Array<Promise<unknown>> = [];
  return {
    send: async (n: NotifyInput): Promise<void> => {
      if (!besideTimers) {
        await act.notify(n);
        return;
      }
      const sending = act.notify(n);
      // Observed here so a failure waits for the final await instead of failing the task at once.
      sending.catch(() => undefined);
      pending.push(sending);
    },
    settled: () => Promise.all(pending),
  };
}

/** A task that ended without an outcome keeps its row, its timers' traces and its emails as history. */
async function recordEnding(state: TaskState, input: TaskWorkflowInput): Promise<void> {
  const { taskId, step } = input;
  const { endedAt } = state.view();
  if (state.status === 'withdrawn') {
    await act.recordTaskWithdrawn({ taskId, withdrawnAt: endedAt! });
    await act.notify({ idempotencyKey: `${taskId}:withdrawn`, taskId, kind: 'withdrawn', target: 'unitInbox', stepTitle: step.title });
    if (state.expired) {
      // A consent that ran out despite the re-confirmation task: the coordinators hear it too.
      const coordinators = step.consent?.waitUnitCode ?? 'vpc-coordination';
      await act.notify({ idempotencyKey: `${taskId}:consent-expired`, taskId, kind: 'consent-expired', target: 'unitInbox', stepTitle: step.title, recipientUnitCode: coordinators });
    }
  } else if (state.status === 'not-shared' || state.status === 'closed') {
    await act.recordTaskEnded({ taskId, status: state.status, endedAt: endedAt! });
    // Only a unit that had the task open hears that it closed; a waiting task never reached it.
    if (state.status === 'closed' && state.reachedUnit) {
      await act.notify({ idempotencyKey: `${taskId}:closed`, taskId, kind: 'closed', target: 'unitInbox', stepTitle: step.title });
    }
  }
}
