import { sv } from '../../domain/catalog';
import { emailHeadline } from '../../activities/email';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, systemClock } from '../../activities';
import { ErrorCode } from '../../domain/errors';
import { createMailer } from '../../worker/mailer';
import { fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { appBaseUrl, eventually, startStack, type Stack } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/workerProcess';

const minutes = (amount: number) => ({ amount, unit: 'minutes' as const });
const slowStep = { deadline: { kind: 'span' as const, span: minutes(30) }, reminders: [] };

describe('a worker killed while an email is being sent', () => {
  let stack: Stack;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    stack = await startStack('killsend', {
      worker: false,
      policy: fastYouthConcernPolicy('test-killsend', { protectionAssessment: slowStep, investigationDecision: slowStep }),
    });
  });
  afterAll(async () => {
    stack.smtp.holdReplies(0);
    await worker?.kill('SIGKILL');
    await stack.teardown();
  });

  it('when the worker is killed with SIGKILL while the SMTP server holds its reply, then after a restart the email arrives exactly once and the case continues', async () => {
    stack.smtp.holdReplies(6_000);
    worker = await spawnWorker(stack, stack.smtp);
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'violence', subject: { ageYears: 15 } } })
      .expect(201);
    const caseId: string = body.caseId;

    await eventually('the assignment email to be mid-send', async () => stack.smtp.held === 1, 30_000);
    const sending = await stack.db.prisma.notification.findFirstOrThrow({ where: { task: { caseId }, kind: 'assigned' } });
    expect(sending.status).toBe('sending');
    expect(sending.claimedBy).toMatch(/#1$/);
    await worker.kill('SIGKILL');
    stack.smtp.holdReplies(0);
    // The server never answered 250, so it did not take the message: the send was cut off mid-way.
    await eventually('the held message to be dropped', async () => stack.smtp.dropped === 1, 15_000);
    expect(stack.smtp.messages.filter((m) => m.subject.includes(caseId))).toHaveLength(0);

    worker = await spawnWorker(stack, stack.smtp);
    // Temporal retries the attempt once its start-to-close timeout (30 s) has passed.
    const [assigned] = await stack.smtp.waitFor((m) => m.subject.includes(caseId) && m.subject.includes(emailHeadline('assigned')), { timeoutMs: 90_000 });
    const sent = await eventually('the notification recorded as sent', () =>
      stack.db.prisma.notification.findFirst({ where: { id: sending.id, status: 'sent' } }),
    );
    expect(sent.attempts).toBe(2);
    expect(sent.claimedBy).toBeNull();
    expect(assigned.messageId).toBe(sent.messageId);

    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { caseId, stepKey: 'protectionAssessment' } });
    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await stack.smtp.waitFor((m) => m.subject.includes(caseId) && m.subject.includes(sv.steps.investigationDecision), { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1_000));
    const received = stack.smtp.messages.filter((m) => m.subject.includes(caseId));
    expect(received).toHaveLength(2);
    // A closed task on the mail-beside-timers path, with a notify attempt cut off by the kill.
    await stack.env.client.workflow.getHandle(task.id).result();
    await recordHistory(stack.env.client, task.id, 'v2-taskWorkflow-mailBesideTimers-killedMidSend');
    expect(new Set(received.map((m) => m.messageId)).size).toBe(2);
  });

  it('when two attempts of one notification run at once, then only the one holding the claim sends and the other is told to retry', async () => {
    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { stepKey: 'investigationDecision' } });
    const activities = createActivities({
      prisma: stack.db.prisma,
      mailer: createMailer({ host: stack.smtp.host, port: stack.smtp.port, secure: false }),
      clock: systemClock,
      config: { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
    });
    const input = {
      idempotencyKey: `${task.id}:concurrency-check`,
      taskId: task.id,
      kind: 'reminder' as const,
      target: 'unitInbox' as const,
      stepTitle: 'Concurrency check',
    };
    const attempt = (n: number) =>
      new MockActivityEnvironment({
        activityId: '9',
        attempt: n,
        startToCloseTimeoutMs: 30_000,
        workflowExecution: { workflowId: task.id, runId: 'run' },
      });
    stack.smtp.holdReplies(1_500);
    const first = attempt(1).run(activities.notify, input);
    await eventually('the first attempt to be mid-send', async () => stack.smtp.held === 1, 10_000);
    const second = (await attempt(2)
      .run(activities.notify, input)
      .then(() => 'sent too', (err: unknown) => err)) as ApplicationFailure;
    expect(second).toBeInstanceOf(ApplicationFailure);
    expect(second.type).toBe(ErrorCode.NotificationInFlight);
    expect(second.nonRetryable).toBe(false);
    expect(((await first) as { status: string }).status).toBe('sent');
    stack.smtp.holdReplies(0);
    expect(((await attempt(3).run(activities.notify, input)) as { status: string }).status).toBe('already-sent');
    // Exactly one mail carries this notification's stable Message-ID.
    const row = await stack.db.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    expect(stack.smtp.messages.filter((m) => m.messageId === row.messageId)).toHaveLength(1);
  });
});
