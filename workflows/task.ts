import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeadlinePlan } from '../domain/deadlines';
import { ErrorCode } from '../domain/errors';
import {
  acknowledgeEscalationInputSchema,
  acknowledgeEscalationUpdate,
  completeTaskInputSchema,
  completeTaskUpdate,
  extendDeadlineInputSchema,
  extendDeadlineUpdate,
  getTaskQuery,
  taskConsentSignal,
  type EscalationView,
  type ExtensionView,
  type TaskResult,
  type TaskView,
  type TaskWorkflowInput,
} from '../domain/messages';
import type { EscalationTarget } from '../domain/policy';
import { parseOrReject, reject } from './validation';


// Read-model writes and email must eventually happen, so they retry without limit;
// non-retryable failures (a unit missing from the registry) surface at once.
const act = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

type ScheduledEvent =
  | { kind: 'reminder'; key: string; at: string; index: number }
  | { kind: 'escalation'; key: string; at: string; level: number; target: EscalationTarget };

/**
 * The task-with-deadline engine: one task for one unit, due at a time the policy sets,
 * reminded before, escalated step by step after. Escalation never cancels the task; only
 * completion stops the timers. An extension re-dates every pending timer.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskResult> {
  const { taskId, caseId, step } = input;
  const startAt = input.startAt ?? new Date().toISOString();
  const extensions: ExtensionView[] = [];
  const escalations: EscalationView[] = [];
  let completion: { outcome: string; completedBy: string; completedAt: string } | undefined;
  // Consent gate: only tasks started with input.consent (none in histories from before it) use these.
  let consentGranted = input.consent?.granted ?? true;
  let waitingForConsent = false;
  let withdrawal: { at: string } | undefined;
  setHandler(taskConsentSignal, ({ granted }) => {
    consentGranted = granted;
    // Withdrawal stops sharing at once for an active task; a waiting one has shared nothing and keeps waiting.
    if (!granted && !waitingForConsent && !completion && !withdrawal) withdrawal = { at: new Date().toISOString() };
  });

  // Emails used to be awaited in line, so a mail outage held back the next reminder and escalation.
  // Now they run beside the timers and the task waits for them only before it closes.
  const mailBesideTimers = patched('mail-beside-timers');
  const pendingMail: Array<Promise<unknown>> = [];
  const notify = async (args: Parameters<Activities['notify']>[0]): Promise<void> => {
    if (!mailBesideTimers) {
      await act.notify(args);
      return;
    }
    const sending = act.notify(args);
    // Observed here so a failure waits for the final await instead of failing the task at once.
    sending.catch(() => undefined);
    pendingMail.push(sending);
  };

  let plan: DeadlinePlan;
  if (input.consent && !input.consent.granted && patched('task-consent-gate')) {
    const waitUnit = step.consent?.waitUnitCode ?? 'vpc-coordination';
    waitingForConsent = true;
    plan = await act.openWaitingTask({ taskId, caseId, stepKey: input.stepKey, unitCode: step.unitCode, startAt, step, timeZone: input.timeZone });
    await act.notify({ idempotencyKey: `${taskId}:waiting`, taskId, kind: 'waiting-for-consent', target: 'unitInbox', stepTitle: step.title, recipientUnitCode: waitUnit });
    const waitDue = plan.dueAt;
    let lapsed = false;
    while (!consentGranted) {
      if (lapsed) {
        await condition(() => consentGranted);
        break;
      }
      const wait = Date.parse(waitDue) - Date.now();
      if (wait > 0 && (await condition(() => consentGranted, wait))) break;
      lapsed = true;
      // The wait for consent has its own deadline; the coordinators' supervisor hears when it lapses.
      const escalation = await act.raiseEscalation({
        escalationId: `${taskId}.consent-wait`,
        taskId,
        caseId,
        level: 1,
        target: 'unitSupervisor',
        dueAt: waitDue,
        recipientUnitCode: waitUnit,
      });
      escalations.push(escalation);
      await act.notify({
        idempotencyKey: `${escalation.id}:notify`,
        taskId,
        kind: 'escalation',
        target: 'unitSupervisor',
        stepTitle: step.title,
        level: 1,
        recipientUnitCode: waitUnit,
      });
    }
    waitingForConsent = false;
    for (const e of escalations) if (e.status === 'open') e.status = 'resolved';
    // Deadlines such as "action plan within 30 days" count from the moment consent exists.
    plan = await act.openTask({ taskId, caseId, stepKey: input.stepKey, unitCode: step.unitCode, startAt: new Date().toISOString(), step, timeZone: input.timeZone, consent: input.consent });
  } else {
    plan = await act.openTask({
      taskId,
      caseId,
      stepKey: input.stepKey,
      unitCode: step.unitCode,
      startAt,
      step,
      timeZone: input.timeZone,
      consent: input.consent,
    });
  }
  const originalDueAt = plan.dueAt;
  // Bumped on every extension; timer keys carry it so a re-dated schedule starts fresh.
  let deadlineVersion = 0;
  const fired = new Set<string>();

  const view = (): TaskView => ({
    taskId,
    caseId,
    stepKey: input.stepKey,
    unitCode: step.unitCode,
    status: completion ? 'completed' : withdrawal ? 'withdrawn' : waitingForConsent ? 'waiting-for-consent' : 'open',
    startedAt: plan.startAt,
    dueAt: plan.dueAt,
    originalDueAt,
    outcome: completion?.outcome,
    completedBy: completion?.completedBy,
    completedAt: completion?.completedAt,
    extensions: [...extensions],
    escalations: escalations.map((e) => ({ ...e })),
  });

  setHandler(getTaskQuery, view);

  setHandler(
    completeTaskUpdate,
    async (raw) => {
      const update = completeTaskInputSchema.parse(raw);
      const completedAt = new Date().toISOString();
      // Claimed before the first await so a concurrent completion is rejected by the validator.
      completion = { outcome: update.outcome, completedBy: update.actor, completedAt };
      for (const e of escalations) if (e.status === 'open') e.status = 'resolved';
      await act.recordTaskCompleted({ taskId, outcome: update.outcome, note: update.note, completedBy: update.actor, completedAt });
      return view();
    },
    {
      validator: (raw) => {
        const update = parseOrReject(completeTaskInputSchema, raw);
        if (completion) reject(ErrorCode.TaskAlreadyDone, 'the task is already completed');
        if (withdrawal) reject(ErrorCode.TaskNotOpen, 'the task was withdrawn');
        if (waitingForConsent) reject(ErrorCode.TaskNotOpen, 'the task is waiting for consent');
        if (!step.outcomes.includes(update.outcome)) {
          reject(ErrorCode.InvalidOutcome, `outcome must be one of: ${step.outcomes.join(', ')}`);
        }
      },
    },
  );

  setHandler(
    extendDeadlineUpdate,
    async (raw) => {
      const update = extendDeadlineInputSchema.parse(raw);
      const sequence = extensions.length + 1;
      const extension: ExtensionView = {
        sequence,
        previousDueAt: plan.dueAt,
        newDueAt: new Date(update.newDueAt).toISOString(),
        justification: update.justification,
        extendedBy: update.actor,
      };
      extensions.push(extension);
      plan = await act.extendTask({ taskId, ...extension, startAt: new Date().toISOString(), step, timeZone: input.timeZone });
      deadlineVersion += 1;
      await notify({ idempotencyKey: `${taskId}:extended:${sequence}`, taskId, kind: 'extended', target: 'unitInbox', stepTitle: step.title });
      return view();
    },
    {
      validator: (raw) => {
        const update = parseOrReject(extendDeadlineInputSchema, raw);
        if (completion) reject(ErrorCode.TaskAlreadyDone, 'the task is already completed');
        if (withdrawal) reject(ErrorCode.TaskNotOpen, 'the task was withdrawn');
        if (waitingForConsent) reject(ErrorCode.TaskNotOpen, 'the task is waiting for consent');
        const newDue = Date.parse(update.newDueAt);
        if (newDue <= Date.now()) reject(ErrorCode.InvalidExtension, 'newDueAt must be in the future');
        if (newDue <= Date.parse(plan.dueAt)) reject(ErrorCode.InvalidExtension, 'newDueAt must be later than the current due time');
      },
    },
  );

  setHandler(
    acknowledgeEscalationUpdate,
    async (raw) => {
      const update = acknowledgeEscalationInputSchema.parse(raw);
      const escalation = escalations.find((e) => e.id === update.escalationId);
      if (!escalation) throw new Error('unreachable: validated escalation vanished');
      escalation.status = 'acknowledged';
      await act.recordEscalationAcknowledged({
        escalationId: escalation.id,
        acknowledgedBy: update.actor,
        acknowledgedAt: new Date().toISOString(),
        note: update.note,
      });
      return { ...escalation };
    },
    {
      validator: (raw) => {
        const update = parseOrReject(acknowledgeEscalationInputSchema, raw);
        const escalation = escalations.find((e) => e.id === update.escalationId);
        if (!escalation) reject(ErrorCode.EscalationNotFound, 'no such escalation on this task');
        if (escalation.status !== 'open') reject(ErrorCode.EscalationAlreadyAcknowledged, `the escalation is already ${escalation.status}`);
      },
    },
  );

  await notify({ idempotencyKey: `${taskId}:assigned`, taskId, kind: 'assigned', target: 'unitInbox', stepTitle: step.title });

  const schedule = (): ScheduledEvent[] => [
    ...plan.reminders.map((at, index) => ({ kind: 'reminder' as const, key: `v${deadlineVersion}:r${index + 1}`, at, index: index + 1 })),
    ...plan.escalations.map((e) => ({ kind: 'escalation' as const, key: `v${deadlineVersion}:e${e.level}`, at: e.at, level: e.level, target: e.target })),
  ];

  while (!completion && !withdrawal) {
    const next = schedule()
      .filter((e) => !fired.has(e.key))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
    const version = deadlineVersion;
    const interrupted = () => completion !== undefined || withdrawal !== undefined || deadlineVersion !== version;
    if (!next) {
      await condition(interrupted);
      continue;
    }
    const wait = Date.parse(next.at) - Date.now();
    if (wait > 0 && (await condition(interrupted, wait))) continue;

    fired.add(next.key);
    if (next.kind === 'reminder') {
      await notify({
        idempotencyKey: `${taskId}:reminder:${next.key}`,
        taskId,
        kind: 'reminder',
        target: 'unitInbox',
        stepTitle: step.title,
      });
    } else {
      const escalation = await act.raiseEscalation({
        escalationId: `${taskId}.esc-${deadlineVersion + 1}-${next.level}`,
        taskId,
        caseId,
        level: next.level,
        target: next.target,
        dueAt: plan.dueAt,
      });
      escalations.push(escalation);
      await notify({
        idempotencyKey: `${escalation.id}:notify`,
        taskId,
        kind: 'escalation',
        target: next.target,
        stepTitle: step.title,
        level: next.level,
      });
    }
  }

  if (withdrawal) {
    // The task ends without an outcome; its row, timers' traces and emails stay as history.
    for (const e of escalations) if (e.status === 'open') e.status = 'resolved';
    await act.recordTaskWithdrawn({ taskId, withdrawnAt: withdrawal.at });
    await act.notify({ idempotencyKey: `${taskId}:withdrawn`, taskId, kind: 'withdrawn', target: 'unitInbox', stepTitle: step.title });
    await Promise.all(pendingMail);
    await condition(allHandlersFinished);
    return { taskId, stepKey: input.stepKey, outcome: 'withdrawn', completedBy: 'system', completedAt: withdrawal.at, withdrawn: true };
  }
  if (!completion) throw new Error('unreachable: the loop ends only on completion or withdrawal');

  // Closing would abandon emails still retrying (say, while the mail server is down).
  await Promise.all(pendingMail);
  await condition(allHandlersFinished);
  return {
    taskId,
    stepKey: input.stepKey,
    outcome: completion.outcome,
    completedBy: completion.completedBy,
    completedAt: completion.completedAt,
  };
}
