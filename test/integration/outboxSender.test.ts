// The outbox's sender on real PostgreSQL and a real SMTP server (dev/smtpSink.ts), with no
// Temporal: rows are enqueued as the activities enqueue them, and the sender alone sends.
import { randomBytes } from 'node:crypto';
import { enqueueNotification } from '../../activities/outbox';
import { failingAfterAttempts, messageIdFor } from '../../activities/notifications';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { sqlPool } from '../../prisma/client';
import { createPooledMailer } from '../../worker/mailer';
import { backoffMs, startOutboxSender, type OutboxSender, type OutboxSenderOptions } from '../../worker/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/stack';

describe('the outbox sender', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  const senders: OutboxSender[] = [];

  const start = (opts: Partial<OutboxSenderOptions> = {}) => {
    const sender = startOutboxSender({
      pool: sqlPool(db.prisma),
      databaseUrl: db.url,
      mailer: createPooledMailer({ host: smtp.host, port: smtp.port, secure: false }),
      config: { appBaseUrl: 'http://samverkan.test', mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
      pollMs: 200,
      ...opts,
    });
    senders.push(sender);
    return sender;
  };

  /** A case and an open task of its own, and one email for it in the outbox. */
  const enqueued = async (kind: 'assigned' | 'escalation' = 'assigned') => {
    const caseId = `VPC-2026-${randomBytes(4).toString('hex').toUpperCase()}`;
    const taskId = `${caseId}.protection-assessment`;
    const unit = await db.prisma.unit.findUniqueOrThrow({ where: { code: 'soc-children-youth' } });
    await db.prisma.case.create({ data: { id: caseId, workflowId: caseId, caseType: 'youth-concern', policyVersion: 'v1', status: 'open' } });
    const now = new Date();
    await db.prisma.task.create({ data: { id: taskId, caseId, stepKey: 'protectionAssessment', unitId: unit.id, status: 'open', startedAt: now, dueAt: now, originalDueAt: now } });
    const idempotencyKey = `${taskId}:${kind}`;
    await enqueueNotification(sqlPool(db.prisma), { idempotencyKey, taskId, kind, target: kind === 'escalation' ? 'unitSupervisor' : 'unitInbox', stepTitle: 'Skyddsbedömning', level: kind === 'escalation' ? 1 : undefined });
    const row = await db.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey } });
    return { caseId, taskId, row };
  };
  const mailsOf = (caseId: string) => smtp.messages.filter((m) => m.subject.includes(caseId));

  beforeAll(async () => {
    [db, smtp] = await Promise.all([createTestDatabase('outbox-sender'), startSmtpSink({ port: 0 })]);
  });
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.stop()));
    smtp.refuseRecipients([]);
    smtp.holdReplies(0);
  });
  afterAll(async () => {
    await Promise.all([smtp.stop(), db.drop()]);
  });

  it('when an email is enqueued twice under one key, then it is one row, sent once with its stable Message-ID, its row id in the header and no personal data', async () => {
    const { caseId, taskId, row } = await enqueued();
    await enqueueNotification(sqlPool(db.prisma), { idempotencyKey: row.idempotencyKey, taskId, kind: 'assigned', target: 'unitInbox', stepTitle: 'Skyddsbedömning' });
    expect(await db.prisma.notification.count({ where: { taskId } })).toBe(1);
    start();
    const [mail] = await smtp.waitFor((m) => m.subject.includes(caseId), { timeoutMs: 10_000 });
    const sent = await eventually('the row recorded as sent', () => db.prisma.notification.findFirst({ where: { id: row.id, status: 'sent' } }));
    expect(mail.messageId).toBe(messageIdFor(row.idempotencyKey));
    expect(sent.messageId).toBe(mail.messageId);
    expect(sent).toMatchObject({ attempts: 1, claimedBy: null, claimedUntil: null, lastError: null });
    expect(mail.headers['x-samverkan-notification']).toBe(row.id);
    expect(mail.to).toEqual([row.recipientEmail]);
    // The link and the case reference only: no address of the unit in the text.
    expect(mail.text).not.toContain('@');
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsOf(caseId)).toHaveLength(1);
  });

  it('when the mail server refuses an email, then it is released with a growing backoff, listed as failing after 3 attempts, retried still, and sent once when accepted', async () => {
    const { caseId, row } = await enqueued('escalation');
    smtp.refuseRecipients([row.recipientEmail]);
    start();
    const failing = await eventually(
      'the row listed as failing',
      () => db.prisma.notification.findFirst({ where: { id: row.id, status: 'failing' } }),
      30_000,
    );
    expect(failing.attempts).toBe(failingAfterAttempts);
    expect(failing.lastError).toMatch(/Error/);
    expect(failing.lastError).not.toContain('@');
    expect(failing.claimedBy).toBeNull();
    expect(mailsOf(caseId)).toHaveLength(0);
    // The next try waits its backoff: 1 s after the first refusal, doubling, at most a minute.
    expect([1, 2, 3, 4, 7, 8].map(backoffMs)).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000]);
    expect(failing.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1_000);

    smtp.refuseRecipients([]);
    const [mail] = await smtp.waitFor((m) => m.subject.includes(caseId), { timeoutMs: 30_000 });
    const sent = await eventually('the row recorded as sent', () => db.prisma.notification.findFirst({ where: { id: row.id, status: 'sent' } }));
    expect(sent.attempts).toBeGreaterThan(failingAfterAttempts);
    expect(sent.lastError).toBeNull();
    expect(mail.messageId).toBe(messageIdFor(row.idempotencyKey));
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsOf(caseId)).toHaveLength(1);
  });

  it('when a sender died holding a claim, then its row waits for the lease to lapse and is then sent once, with the same Message-ID', async () => {
    const { caseId, row } = await enqueued();
    const past = new Date(Date.now() - 1_000);
    const future = new Date(Date.now() + 60 * 60_000);
    // A live lease of another sender: left alone.
    await db.prisma.notification.update({ where: { id: row.id }, data: { status: 'sending', claimedBy: 'dead-sender', claimedUntil: future, nextAttemptAt: future, attempts: 1 } });
    const sender = start();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await db.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sending', claimedBy: 'dead-sender', attempts: 1 });
    expect(mailsOf(caseId)).toHaveLength(0);

    // The lease lapses: the row falls due again and another sender takes it over.
    await db.prisma.notification.update({ where: { id: row.id }, data: { claimedUntil: past, nextAttemptAt: past } });
    const [mail] = await smtp.waitFor((m) => m.subject.includes(caseId), { timeoutMs: 10_000 });
    const sent = await eventually('the row recorded as sent', () => db.prisma.notification.findFirst({ where: { id: row.id, status: 'sent' } }));
    expect(sent.attempts).toBe(2);
    expect(mail.messageId).toBe(messageIdFor(row.idempotencyKey));
    expect(sender.id).not.toBe('dead-sender');
  });

  it('when the sender is stopped while a send is in flight, then the send finishes and is recorded before stop returns', async () => {
    smtp.holdReplies(1_500);
    const { caseId, row } = await enqueued();
    const sender = start();
    await eventually('the send to be in flight', async () => smtp.held === 1, 10_000);
    await sender.stop();
    expect(mailsOf(caseId)).toHaveLength(1);
    expect(await db.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
