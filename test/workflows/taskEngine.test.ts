import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import {
  acknowledgeEscalationUpdate,
  closeWithCaseSignal,
  completeTaskUpdate,
  extendDeadlineUpdate,
  taskConsentSignal,
  type TaskResult,
  type TaskWorkflowInput,
} from '../../domain/messages';
import type { StepPolicy } from '../../domain/policy';
import { fastStep } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { startHarness, taskView, type Harness } from '../support/workflowHarness';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const span = (amount: number) => ({ kind: 'span' as const, span: secs(amount) });
const gate = (over: Partial<NonNullable<StepPolicy['consent']>> = {}) => ({ agency: 'police', purpose: 'sig', waitDeadline: span(60), waitUnitCode: 'vpc-coordination', ...over });

let h: Harness;
let n = 0;

/** Starts a task workflow alone, as a case would, with a step in (fractions of) seconds. */
async function startTask(step: Partial<StepPolicy>, extra: Partial<TaskWorkflowInput> = {}): Promise<WorkflowHandle> {
  n += 1;
  const taskId = `VPC-2026-TASK${String(n).padStart(4, '0')}.step-${Date.now()}`;
  const input: TaskWorkflowInput = {
    taskId,
    caseId: 'VPC-2026-TASKTEST',
    stepKey: 'step',
    step: fastStep({ outcomes: ['done', 'not-needed'], deadline: span(60), reminders: [], escalation: [{ after: secs(0), target: 'unitSupervisor' }], ...step }),
    policyVersion: 'test',
    timeZone: 'Europe/Stockholm',
    ...extra,
  };
  return h.client.workflow.start('taskWorkflow', { taskQueue: h.taskQueue, workflowId: taskId, args: [input] });
}

const escalationsOf = (taskId: string) => h.callsOf('escalate', { taskId });
const failureOf = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause as { type?: string; message: string; details?: unknown[] };
};

describe('the task engine (workflow level, activities faked)', () => {
  beforeAll(async () => {
    h = await startHarness('task-engine');
    await h.warmUp();
  });
  afterAll(async () => {
    await h.teardown();
  });

  it('when a task opens, is reminded and escalates, then each email rides on one write: the opening, an enqueue, the rung (escalation-outbox)', async () => {
    const task = await startTask({ deadline: span(0.6), reminders: [{ atFraction: 0.5 }], escalation: [{ after: secs(0), target: 'unitSupervisor' }], notifyOnOpen: ['unitHead'] });
    await h.until('the first rung', () => escalationsOf(task.workflowId).length === 1);
    const [opened] = h.callsOf('openTask', { taskId: task.workflowId });
    expect(opened.notifications).toEqual([
      { idempotencyKey: `${task.workflowId}:assigned`, kind: 'assigned', target: 'unitInbox', stepTitle: expect.any(String) },
      { idempotencyKey: `${task.workflowId}:assigned:unitHead`, kind: 'assigned', target: 'unitHead', stepTitle: expect.any(String) },
    ]);
    expect(h.callsOf('enqueueNotification', { taskId: task.workflowId }).map((c) => c.kind)).toEqual(['reminder']);
    const [rung] = escalationsOf(task.workflowId);
    expect(rung).toMatchObject({ level: 1, target: 'unitSupervisor', notification: { idempotencyKey: `${rung.escalationId as string}:notify`, kind: 'escalation', level: 1 } });
    // Nothing goes through the activities of the older paths.
    expect([...h.callsOf('notify', { taskId: task.workflowId }), ...h.callsOf('raiseEscalation', { taskId: task.workflowId })]).toEqual([]);
    await task.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', actor: 'h-1' }] });
    await task.result();
  });

  it('when a task that waits for consent is completed, then it refuses with TASK_NOT_OPEN naming the wait (finding 9)', async () => {
    const task = await startTask({ consent: gate() }, { consent: { agency: 'police', purpose: 'sig', granted: false } });
    await h.until('the waiting row', () => h.tasks.get(task.workflowId)?.status === 'waiting-for-consent');

    const failure = await failureOf(task.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', actor: 'h-1' }] }));
    expect(failure.type).toBe('TASK_NOT_OPEN');
    expect(failure.details).toEqual([{ reason: 'waiting-for-consent' }]);
    expect(failure.message).toContain('waiting for consent to share with police for sig');
    const extend = await failureOf(task.executeUpdate(extendDeadlineUpdate, { args: [{ newDueAt: new Date(Date.now() + 3_600_000).toISOString(), justification: 'more time needed', actor: 's-1' }] }));
    expect(extend.type).toBe('TASK_NOT_OPEN');
    expect((await taskView(h, task.workflowId)).status).toBe('waiting-for-consent');
    await task.terminate();
  });

  it('when a waiting task is marked not-needed, then it completes without ever opening or sharing (finding 4)', async () => {
    const task = await startTask({ consent: gate({ outcomesWhileWaiting: ['not-needed'] }) }, { consent: { agency: 'housing', purpose: 'exit', granted: false } });
    await h.until('the waiting row', () => h.tasks.get(task.workflowId)?.status === 'waiting-for-consent');
    await failureOf(task.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', actor: 'h-1' }] }));

    const view = await task.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'not-needed', actor: 'h-1' }] });
    expect(view).toMatchObject({ status: 'completed', outcome: 'not-needed' });
    expect(((await task.result()) as TaskResult).outcome).toBe('not-needed');
    expect(h.callsOf('openTask', { taskId: task.workflowId })).toEqual([]);
    expect(h.tasks.get(task.workflowId)?.status).toBe('completed');
  });

  it('when consent is refused while a task waits, then it ends as not shared and its wait stops escalating (finding 4)', async () => {
    const task = await startTask({ consent: gate() }, { consent: { agency: 'police', purpose: 'sig', granted: false } });
    await h.until('the waiting row', () => h.tasks.get(task.workflowId)?.status === 'waiting-for-consent');
    await task.signal(taskConsentSignal, { granted: false, refused: true });

    const result = (await task.result()) as TaskResult;
    expect(result).toMatchObject({ outcome: 'not-shared', ended: 'not-shared' });
    expect(h.callsOf('recordTaskEnded', { taskId: task.workflowId })).toEqual([expect.objectContaining({ status: 'not-shared' })]);
    expect(h.callsOf('openTask', { taskId: task.workflowId })).toEqual([]);
    await recordHistory(h.client, task.workflowId, 'v3-taskWorkflow-not-shared');
  });

  it('when a consent wait lapses and nobody acts, then it escalates again and again at the policy interval, then opens on consent (findings 4 and 6)', async () => {
    const task = await startTask(
      { consent: gate({ waitDeadline: span(0.1) }), repeatEscalationEvery: secs(0.1) },
      { consent: { agency: 'police', purpose: 'sig', granted: false } },
    );
    await h.until('three escalations of the wait', () => escalationsOf(task.workflowId).length >= 3, 5_000);
    const raised = escalationsOf(task.workflowId).slice(0, 3);
    expect(raised.map((e) => [e.escalationId, e.recipientUnitCode])).toEqual([
      [`${task.workflowId}.consent-wait`, 'vpc-coordination'],
      [`${task.workflowId}.consent-wait-2`, 'vpc-coordination'],
      [`${task.workflowId}.consent-wait-3`, 'vpc-coordination'],
    ]);
    await task.signal(taskConsentSignal, { granted: true });
    await h.openTask(task.workflowId);
    await h.complete(task.workflowId, 'done');
    await task.result();
    await recordHistory(h.client, task.workflowId, 'v3-taskWorkflow-consent-wait-repeats');
  });

  it('when an open task passes its last rung, then it escalates again at the interval to the last rung\'s target until done (finding 6)', async () => {
    const task = await startTask({
      deadline: span(0.1),
      escalation: [
        { after: secs(0), target: 'unitSupervisor' },
        { after: secs(0.1), target: 'unitHead' },
      ],
      repeatEscalationEvery: secs(0.1),
    });
    await h.until('four escalations', () => escalationsOf(task.workflowId).length >= 4, 5_000);
    expect(escalationsOf(task.workflowId).slice(0, 4).map((e) => [e.level, e.target])).toEqual([
      [1, 'unitSupervisor'],
      [2, 'unitHead'],
      [3, 'unitHead'],
      [4, 'unitHead'],
    ]);
    await h.complete(task.workflowId, 'done');
    await task.result();
    const count = escalationsOf(task.workflowId).length;
    await new Promise((r) => setTimeout(r, 250));
    expect(escalationsOf(task.workflowId)).toHaveLength(count);
  });

  it('when an escalation of a task still open is acknowledged, then the next rung comes the policy interval after the acknowledgement, not at its far planned time (finding 6)', async () => {
    const task = await startTask({
      deadline: span(0.1),
      escalation: [
        { after: secs(0), target: 'unitSupervisor' },
        { after: secs(3600), target: 'unitHead' },
      ],
      repeatEscalationEvery: secs(0.3),
    });
    // Its email goes out once the task holds the escalation.
    await h.until('the first escalation', () => h.emailsOf({ taskId: task.workflowId, kind: 'escalation' }).length === 1);
    const acknowledgedAt = Date.now();
    await task.executeUpdate(acknowledgeEscalationUpdate, { args: [{ escalationId: `${task.workflowId}.esc-1-1`, note: 'seen', actor: 'arbetsledare-1' }] });

    await h.until('the head rung', () => escalationsOf(task.workflowId).length === 2, 3_000);
    const second = h.calls.filter((c) => c.name === 'escalate' && c.input.taskId === task.workflowId)[1];
    expect(second.input).toMatchObject({ level: 2, target: 'unitHead' });
    expect(second.at - acknowledgedAt).toBeGreaterThanOrEqual(300);
    expect(second.at - acknowledgedAt).toBeLessThan(3_000);
    await h.complete(task.workflowId, 'done');
    await task.result();
    await recordHistory(h.client, task.workflowId, 'v3-taskWorkflow-acknowledged-rearms');
  });

  it('when the case closes while a task runs beside it, then the task ends as closed and its unit is told', async () => {
    const task = await startTask({});
    await h.openTask(task.workflowId);
    await task.signal(closeWithCaseSignal);
    expect(await task.result()).toMatchObject({ outcome: 'closed', ended: 'closed' });
    expect(h.emailsOf({ taskId: task.workflowId, kind: 'closed' })).toHaveLength(1);
    expect(h.tasks.get(task.workflowId)?.status).toBe('closed');
  });

  it('when consent expires on an open task, then it is withdrawn and the coordinators hear of it as well as the unit (finding 7)', async () => {
    const task = await startTask({ consent: gate() }, { consent: { agency: 'police', purpose: 'sig', granted: true } });
    await h.openTask(task.workflowId);
    await task.signal(taskConsentSignal, { granted: false, expired: true });
    expect(await task.result()).toMatchObject({ outcome: 'withdrawn', withdrawn: true });
    const mails = h.emailsOf({ taskId: task.workflowId }).map((m) => [m.kind, m.recipientUnitCode]);
    expect(mails).toEqual(expect.arrayContaining([['withdrawn', undefined], ['consent-expired', 'vpc-coordination']]));
  });
});
