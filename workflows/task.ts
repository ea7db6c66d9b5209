import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { acknowledgeEscalationInputCheck, completeTaskInputCheck, extendDeadlineInputCheck, reassignTaskInputCheck } from '../domain/messageChecks';
import {
  acknowledgeEscalationUpdate,
  closeWithCaseSignal,
  completeTaskUpdate,
  extendDeadlineUpdate,
  getTaskQuery,
  reassignTaskUpdate,
  taskConsentSignal,
  type TaskResult,
  type TaskWorkflowInput,
} from '../domain/messages';
import { act, local } from './activityProxies';
import { TaskSchedule } from './taskSchedule';
import { TaskState } from './taskState';
import { parseAccepted } from './validation';

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
      const update = parseAccepted(completeTaskInputCheck, raw);
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
      const extension = state.extend(parseAccepted(extendDeadlineInputCheck, raw));
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
      const update = parseAccepted(acknowledgeEscalationInputCheck, raw);
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
      const update = parseAccepted(reassignTaskInputCheck, raw);
      const move = state.reassign(update);
      await act.recordTaskReassigned({ taskId, unitCode: update.unitCode });
      await mail.send({ idempotencyKey: `${taskId}:reassigned:${move}`, taskId, kind: 'reassigned', target: 'unitInbox', stepTitle: step.title });
      return state.view();
    },
    { validator: (raw) => void state.checkReassign(raw) },
  );

  // Emails leave through the outbox (escalation-outbox): enqueued in a short local activity, sent
  // by the worker's sender, so the task never waits for a mail server. Older tasks keep their way:
  // emails awaited in line, or (mail-beside-timers) run beside the timers and awaited before closing.
  const outbox = patched('escalation-outbox');
  const mail = outbox ? enqueuer() : mailer(patched('mail-beside-timers'));
  /** An email the task sends in line (the consent wait's, the ending's). */
  const notifyNow = async (n: NotifyInput): Promise<void> => {
    if (outbox) await local.enqueueNotification(n);
    else await act.notify(n);
  };

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
      const escalation = {
        escalationId: ladder.escalationId(event.level),
        taskId,
        caseId,
        level: event.level,
        target: event.target,
        dueAt: watched.plan.dueAt,
        recipientUnitCode: ladder.recipientUnitCode,
        repeat,
      };
      if (outbox) {
        // Raw Temporal's shape: one local activity writes the escalation and its email together.
        const notification = { idempotencyKey: `${escalation.escalationId}:notify`, kind: 'escalation' as const, stepTitle: step.title, level: event.level };
        const raised = await local.escalate({ ...escalation, notification });
        state.escalated(raised);
        watched.escalated(raised.nextRepeatAt);
        continue;
      }
      const raised = await act.raiseEscalation(escalation);
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
    await notifyNow({ idempotencyKey: `${taskId}:waiting`, taskId, kind: 'waiting-for-consent', target: 'unitInbox', stepTitle: step.title, recipientUnitCode: waitUnit });
    await runSchedule(new TaskSchedule(waitPlan, () => state.consentGranted || !state.waiting), {
      escalationId: (level) => `${taskId}.consent-wait${level > 1 ? `-${level}` : ''}`,
      recipientUnitCode: waitUnit,
      send: notifyNow,
    });
    if (state.waiting) state.consentArrived();
  }

  if (state.live) {
    const assigned: NotifyInput[] = [
      { idempotencyKey: `${taskId}:assigned`, taskId, kind: 'assigned', target: 'unitInbox', stepTitle: step.title },
      ...(step.notifyOnOpen ?? []).map((target): NotifyInput => ({ idempotencyKey: `${taskId}:assigned:${target}`, taskId, kind: 'assigned', target, stepTitle: step.title })),
    ];
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
      // The "assigned" emails are enqueued in the opening's own transaction: one activity.
      ...(outbox ? { notifications: assigned.map(({ taskId: _task, ...n }) => n) } : {}),
    });
    state.opened(plan);
    if (!outbox) for (const n of assigned) await mail.send(n);
    const ladder = new TaskSchedule(plan, () => !state.live);
    await runSchedule(ladder, { escalationId: (level) => `${taskId}.esc-${ladder.version + 1}-${level}`, send: mail.send });
  }

  await recordEnding(state, input, notifyNow);
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

/** Emails through the outbox (escalation-outbox): enqueued in line, nothing left to await at the end. */
function enqueuer() {
  return {
    send: async (n: NotifyInput): Promise<void> => {
      await local.enqueueNotification(n);
    },
    settled: async (): Promise<void> => undefined,
  };
}

/** A task that ended without an outcome keeps its row, its timers' traces and its emails as history. */
async function recordEnding(state: TaskState, input: TaskWorkflowInput, notify: (n: NotifyInput) => Promise<void>): Promise<void> {
  const { taskId, step } = input;
  const { endedAt } = state.view();
  if (state.status === 'withdrawn') {
    await act.recordTaskWithdrawn({ taskId, withdrawnAt: endedAt! });
    await notify({ idempotencyKey: `${taskId}:withdrawn`, taskId, kind: 'withdrawn', target: 'unitInbox', stepTitle: step.title });
    if (state.expired) {
      // A consent that ran out despite the re-confirmation task: the coordinators hear it too.
      const coordinators = step.consent?.waitUnitCode ?? 'vpc-coordination';
      await notify({ idempotencyKey: `${taskId}:consent-expired`, taskId, kind: 'consent-expired', target: 'unitInbox', stepTitle: step.title, recipientUnitCode: coordinators });
    }
  } else if (state.status === 'not-shared' || state.status === 'closed') {
    await act.recordTaskEnded({ taskId, status: state.status, endedAt: endedAt! });
    // Only a unit that had the task open hears that it closed; a waiting task never reached it.
    if (state.status === 'closed' && state.reachedUnit) {
      await notify({ idempotencyKey: `${taskId}:closed`, taskId, kind: 'closed', target: 'unitInbox', stepTitle: step.title });
    }
  }
}
