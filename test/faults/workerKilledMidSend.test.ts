import { sv } from '../../domain/catalog';
import { emailHeadline } from '../../activities/email';
import { enqueueNotification } from '../../activities/outbox';
import { messageIdFor } from '../../activities/notifications';
import { sqlPool } from '../../prisma/client';
import { createPooledMailer } from '../../worker/mailer';
import { startOutboxSender } from '../../worker/outbox';
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
    expect(sending.attempts).toBe(1);
    // Claimed by the outbox sender inside the worker process (host:pid:random).
    expect(sending.claimedBy).toContain(`:${worker.child.pid}:`);
    await worker.kill('SIGKILL');
    stack.smtp.holdReplies(0);
    // The server never answered 250, so it did not take the message: the send was cut off mid-way.
    await eventually('the held message to be dropped', async () => stack.smtp.dropped === 1, 15_000);
    expect(stack.smtp.messages.filter((m) => m.subject.includes(caseId))).toHaveLength(0);

    worker = await spawnWorker(stack, stack.smtp);
    // The new worker's sender takes the row over once the dead sender's lease (30 s) has lapsed.
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
    // A closed task on the escalation-outbox path, whose email's send was cut off by the kill.
    await stack.env.client.workflow.getHandle(task.id).result();
    await recordHistory(stack.env.client, task.id, 'v5-taskWorkflow-outbox-killedMidSend');
    expect(new Set(received.map((m) => m.messageId)).size).toBe(2);
  });

  it('when two senders run at once, then only the one holding the claim sends and the other leaves the row alone', async () => {
    await worker?.kill('SIGKILL');
    worker = undefined;
    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { stepKey: 'investigationDecision' } });
    const idempotencyKey = `${task.id}:concurrency-check`;
    const sender = (id: string) =>
      startOutboxSender({
        id,
        pool: sqlPool(stack.db.prisma),
        databaseUrl: stack.db.url,
        mailer: createPooledMailer({ host: stack.smtp.host, port: stack.smtp.port, secure: false }),
        config: { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
        pollMs: 100,
      });
    stack.smtp.holdReplies(1_500);
    const first = sender('sender-a');
    await enqueueNotification(sqlPool(stack.db.prisma), { idempotencyKey, taskId: task.id, kind: 'reminder', target: 'unitInbox', stepTitle: 'Concurrency check' });
    await eventually('the first sender to be mid-send', async () => stack.smtp.held === 1, 10_000);
    const second = sender('sender-b');
    // The second sender polls (and is woken) several times meanwhile: the row is locked or claimed, never its.
    await new Promise((r) => setTimeout(r, 800));
    expect(stack.smtp.held).toBe(1);
    expect(await stack.db.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey } })).toMatchObject({ status: 'sending', claimedBy: 'sender-a', attempts: 1 });
    const row = await eventually('the row recorded as sent', () => stack.db.prisma.notification.findFirst({ where: { idempotencyKey, status: 'sent' } }), 10_000);
    await Promise.all([first.stop(), second.stop()]);
    stack.smtp.holdReplies(0);
    expect(row.attempts).toBe(1);
    // Exactly one mail carries this notification's stable Message-ID.
    expect(row.messageId).toBe(messageIdFor(idempotencyKey));
    expect(stack.smtp.messages.filter((m) => m.messageId === row.messageId)).toHaveLength(1);
  });
});
