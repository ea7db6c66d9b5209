import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { addSpan, computeDueAt, planDeadline, type DeadlinePlan } from '../../domain/deadlines';
import { completeTaskUpdate, getTaskQuery, type CaseWorkflowInput, type TaskView } from '../../domain/messages';
import type { CaseType, PolicyDocument, StepPolicy } from '../../domain/policy';
import { startTestTemporal, testWorkflowBundle } from './stack';

/** What a fake activity was asked, in order: the workflow-level tests assert on these. */
export interface Call {
  name: keyof Activities;
  input: Record<string, unknown>;
  at: number;
}

/** A task as the fake read model keeps it. */
export interface FakeTask {
  taskId: string;
  caseId: string;
  stepKey: string;
  status: string;
  startedAt: string;
  dueAt: string;
  clock?: { from: string; ref?: string };
  openReason?: string;
  openedBy?: string;
}

const seconds = (amount: number) => ({ amount, unit: 'seconds' as const });

/**
 * Activities as in-memory fakes: the deadline arithmetic is the real (pure) one, the read model a
 * map, email a list. The workflows run for real on a local Temporal dev server.
 */
function fakeActivities(calls: Call[], tasks: Map<string, FakeTask>, companionPolicies: Map<string, PolicyDocument>): Activities {
  const log = (name: keyof Activities, input: object) => calls.push({ name, input: { ...input } as Record<string, unknown>, at: Date.now() });
  const zone = { timeZone: 'Europe/Stockholm' };
  const plan = (input: { startAt: string; dueAt?: string; step: Pick<StepPolicy, 'deadline' | 'reminders' | 'escalation'> }): DeadlinePlan => {
    const startAt = new Date(input.startAt);
    const dueAt = input.dueAt ? new Date(input.dueAt) : computeDueAt(input.step.deadline, startAt, zone);
    return planDeadline({ startAt, dueAt, reminders: input.step.reminders, escalation: input.step.escalation, calendar: zone });
  };
  const later = (from: Date, repeat?: { every: Parameters<typeof addSpan>[1] }) => (repeat ? addSpan(from, repeat.every, zone).toISOString() : undefined);
  const setStatus = (taskId: string, status: string) => {
    const task = tasks.get(taskId);
    if (task) task.status = status;
  };
  return {
    async addSpan(input) {
      log('addSpan', input);
      return addSpan(new Date(input.from), input.span, zone).toISOString();
    },
    async recordCaseProgress(input) {
      log('recordCaseProgress', input);
    },
    async openCompanionCase(input) {
      log('openCompanionCase', input);
      const policy = companionPolicies.get(input.caseType);
      if (!policy) throw new Error(`no companion policy for ${input.caseType}`);
      return policy;
    },
    async openTask(input) {
      log('openTask', input);
      const p = plan(input);
      const { taskId, caseId, stepKey, clock, openReason, openedBy } = input;
      tasks.set(taskId, { taskId, caseId, stepKey, status: 'open', startedAt: p.startAt, dueAt: p.dueAt, clock, openReason, openedBy });
      return p;
    },
    async openWaitingTask(input) {
      log('openWaitingTask', input);
      const gate = input.step.consent!;
      const p = plan({ startAt: input.startAt, step: { deadline: gate.waitDeadline, reminders: [], escalation: gate.waitEscalation ?? [{ after: seconds(0), target: 'unitSupervisor' }] } });
      tasks.set(input.taskId, { taskId: input.taskId, caseId: input.caseId, stepKey: input.stepKey, status: 'waiting-for-consent', startedAt: p.startAt, dueAt: p.dueAt });
      return p;
    },
    async recordTaskEnded(input) {
      log('recordTaskEnded', input);
      setStatus(input.taskId, input.status);
    },
    async recordTaskReassigned(input) {
      log('recordTaskReassigned', input);
    },
    async recordTaskWithdrawn(input) {
      log('recordTaskWithdrawn', input);
      setStatus(input.taskId, 'withdrawn');
    },
    async extendTask(input) {
      log('extendTask', input);
      return plan({ ...input, dueAt: input.newDueAt });
    },
    async recordTaskCompleted(input) {
      log('recordTaskCompleted', input);
      setStatus(input.taskId, 'completed');
    },
    async raiseEscalation(input) {
      log('raiseEscalation', input);
      const raisedAt = new Date();
      const nextRepeatAt = later(raisedAt, input.repeat);
      return { id: input.escalationId, level: input.level, target: input.target, status: 'open' as const, raisedAt: raisedAt.toISOString(), ...(nextRepeatAt ? { nextRepeatAt } : {}) };
    },
    async recordEscalationAcknowledged(input) {
      log('recordEscalationAcknowledged', input);
      const rearmAt = later(new Date(input.acknowledgedAt), input.repeat);
      return rearmAt ? { rearmAt } : {};
    },
    async escalate(input) {
      log('escalate', input);
      const raisedAt = new Date();
      const nextRepeatAt = later(raisedAt, input.repeat);
      return { id: input.escalationId, level: input.level, target: input.target, status: 'open' as const, raisedAt: raisedAt.toISOString(), ...(nextRepeatAt ? { nextRepeatAt } : {}) };
    },
    async notify(input) {
      log('notify', input);
      return { status: 'queued' as const };
    },
    async enqueueNotification(input) {
      log('enqueueNotification', input);
    },
    async pseudonymiseExpiredCases(input) {
      log('pseudonymiseExpiredCases', input);
      return { pseudonymised: [] };
    },
    // The watchdog's sweep is tested on the real stack (test/faults/watchdog.test.ts), not here.
    ...watchdogUnused,
  };
}

/** The emails one call asks for, each shaped as notify's input. */
function emailsIn({ name, input }: Call): Array<Record<string, unknown>> {
  if (name === 'notify' || name === 'enqueueNotification') return [input];
  if (name === 'escalate') {
    const { taskId, target, recipientUnitCode } = input;
    return [{ ...(input.notification as object), taskId, target, ...(recipientUnitCode ? { recipientUnitCode } : {}) }];
  }
  if (name === 'openTask') return ((input.notifications as object[] | undefined) ?? []).map((n) => ({ ...n, taskId: input.taskId }));
  return [];
}

const unused = async (): Promise<never> => {
  throw new Error('the case workflows never call the watchdog');
};
const watchdogUnused: Pick<Activities, `watchdog${string}` & keyof Activities> = {
  watchdogCheckCases: unused,
  watchdogCheckTasks: unused,
  watchdogCheckStarting: unused,
  watchdogCheckUnits: unused,
  watchdogCheckEscalations: unused,
  watchdogFinishRun: unused,
  watchdogNotifyFindings: unused,
};

export interface Harness {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  calls: Call[];
  tasks: Map<string, FakeTask>;
  /** The policy a companion case of that type gets (openCompanionCase's answer). */
  companionPolicies: Map<string, PolicyDocument>;
  /** Calls of one activity whose input matches, e.g. calls('notify', { taskId }). */
  callsOf(name: keyof Activities, match?: Record<string, unknown>): Array<Record<string, unknown>>;
  /**
   * Every email the workflows asked for, whichever way (a notify activity, an enqueue, an
   * escalation's or an opening's own), as notify's input, e.g. emailsOf({ taskId, kind: 'closed' }).
   */
  emailsOf(match?: Record<string, unknown>): Array<Record<string, unknown>>;
  /** Waits (polling, 20 ms) until `check` holds; fails naming `what` after the timeout. */
  until<T>(what: string, check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Starts a case workflow with a fresh id. */
  startCase(workflowType: string, input: Omit<CaseWorkflowInput, 'caseId'>): Promise<WorkflowHandle>;
  /** Waits until a task of the case is open for `stepKey` (by task id) and completes it. */
  complete(taskId: string, outcome: string, actor?: string): Promise<TaskView>;
  openTask(taskId: string): Promise<FakeTask>;
  /** Runs one task to its end, so the worker has loaded the workflow code before the first test's clock starts. */
  warmUp(): Promise<void>;
  teardown(): Promise<void>;
}

/** A local Temporal dev server and a worker whose activities are the fakes above. */
export async function startHarness(label: string): Promise<Harness> {
  // The server reads timers due within its look-ahead (1 s by default) only when the window
  // opens, so sub-second timers fired a second late; tests of sub-second deadlines need it short.
  const env = await startTestTemporal(undefined, ['--dynamic-config-value', 'history.timerProcessorMaxTimeShift="10ms"']);
  const taskQueue = `${label}-${randomBytes(3).toString('hex')}`;
  const calls: Call[] = [];
  const tasks = new Map<string, FakeTask>();
  const companionPolicies = new Map<CaseType, PolicyDocument>();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: testWorkflowBundle(),
    activities: fakeActivities(calls, tasks, companionPolicies),
  });
  const running = worker.run();
  const matches = (input: Record<string, unknown>, match: Record<string, unknown>) => Object.entries(match).every(([k, v]) => input[k] === v);
  const until = async <T>(what: string, check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const harness: Harness = {
    env,
    client: env.client,
    taskQueue,
    calls,
    tasks,
    companionPolicies,
    callsOf: (name, match = {}) => calls.filter((c) => c.name === name && matches(c.input, match)).map((c) => c.input),
    emailsOf: (match = {}) => calls.flatMap((c) => emailsIn(c)).filter((e) => matches(e, match)),
    until,
    async startCase(workflowType, input) {
      const caseId = `VPC-2026-${randomBytes(4).toString('hex').toUpperCase()}`;
      return env.client.workflow.start(workflowType, { taskQueue, workflowId: caseId, args: [{ caseId, ...input }] });
    },
    openTask: (taskId) => until(`task ${taskId} open`, () => (tasks.get(taskId)?.status === 'open' ? tasks.get(taskId) : undefined)),
    async complete(taskId, outcome, actor = 'handlaggare-1') {
      await harness.openTask(taskId);
      return env.client.workflow.getHandle(taskId).executeUpdate(completeTaskUpdate, { args: [{ outcome, actor }] });
    },
    async warmUp() {
      const taskId = `warm-up-${taskQueue}`;
      const step: StepPolicy = { title: 'Warm-up', unitCode: 'soc-children-youth', deadline: { kind: 'span', span: seconds(60) }, reminders: [], escalation: [{ after: seconds(0), target: 'unitSupervisor' }], outcomes: ['done'] };
      const handle = await env.client.workflow.start('taskWorkflow', { taskQueue, workflowId: taskId, args: [{ taskId, caseId: 'warm-up', stepKey: 'warmUp', step, policyVersion: 'test', timeZone: 'Europe/Stockholm' }] });
      await harness.complete(taskId, 'done');
      await handle.result();
    },
    async teardown() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
  return harness;
}

/** The task's own view (its query), for asserting on state the read model does not show. */
export function taskView(h: Harness, taskId: string): Promise<TaskView> {
  return h.client.workflow.getHandle(taskId).query(getTaskQuery);
}
