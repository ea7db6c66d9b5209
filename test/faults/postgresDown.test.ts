import { emailHeadline } from '../../activities/email';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities, systemClock } from '../../activities';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { createPrisma, sqlPool, type PrismaClient } from '../../prisma/client';
import { publishPolicy } from '../../prisma/seed';
import { createWorker } from '../../worker/createWorker';
import { createMailer, createPooledMailer } from '../../worker/mailer';
import { startOutboxSender, type OutboxSender } from '../../worker/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fastYouthConcernPolicy } from '../support/policies';
import { appBaseUrl, eventually, startTestTemporal, testWorkflowBundle } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { testPayloadKeys } from '../support/keys';
import { authedTestApp } from '../support/testApp';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'weapons', subject: { ageYears: 17 } } };

describe('PostgreSQL unreachable for a while', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let proxy: TcpProxy;
  let appPrisma: PrismaClient;
  let workerPrisma: PrismaClient;
  let worker: Worker;
  let running: Promise<void>;
  let outbox: OutboxSender | undefined;
  let api: ReturnType<typeof request>;
  const taskQueue = `pgdown-${Date.now()}`;

  beforeAll(async () => {
    [env, db, smtp, proxy] = await Promise.all([
      startTestTemporal(testPayloadKeys()),
      createTestDatabase('pgdown'),
      startSmtpSink({ port: 0 }),
      startTcpProxy({ host: '127.0.0.1', port: 5432 }),
    ]);
    await publishPolicy(
      db.prisma,
      fastYouthConcernPolicy('test-pgdown', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(4) },
          reminders: [{ atFraction: 0.5 }],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(2), target: 'unitHead' },
          ],
        },
      }),
    );
    // The app and the worker reach PostgreSQL only through the proxy; the test's own client (db.prisma) does not.
    const proxied = new URL(db.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    appPrisma = createPrisma(proxied.toString());
    workerPrisma = createPrisma(proxied.toString());
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activities: createActivities({
        prisma: workerPrisma,
        mailer: createMailer({ host: smtp.host, port: smtp.port, secure: false }),
        clock: systemClock,
        config: { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
      }),
      workflowBundle: testWorkflowBundle(),
      payloadKeys: testPayloadKeys(),
    });
    running = worker.run();
    // The worker's outbox sender, through the same proxy: it claims, sends and records through the cut.
    outbox = startOutboxSender({
      pool: sqlPool(workerPrisma),
      databaseUrl: proxied.toString(),
      mailer: createPooledMailer({ host: smtp.host, port: smtp.port, secure: false }),
      config: { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
    });
    api = authedTestApp({ connection: env.connection, namespace: env.namespace, prisma: appPrisma, taskQueue }).api;
  });
  afterAll(async () => {
    await proxy?.restore();
    worker?.shutdown();
    await running;
    await outbox?.stop();
    await Promise.all([appPrisma?.$disconnect(), workerPrisma?.$disconnect()]);
    await env?.teardown();
    await Promise.all([smtp?.stop(), db?.drop(), proxy?.close()]);
  });

  it('when the database is cut off through a deadline, then the API answers 503 with Retry-After and writes nothing, and afterwards the read model has every event', async () => {
    const { body } = await api.post('/cases').send(referral).expect(201);
    const caseId: string = body.caseId;
    await smtp.waitFor((m) => m.subject.includes(caseId) && m.subject.includes(emailHeadline('assigned')), { timeoutMs: 30_000 });
    const task = await db.prisma.task.findFirstOrThrow({ where: { caseId } });

    await proxy.cut();
    const cutAt = Date.now();
    for (const res of [
      await api.get(`/cases/${caseId}`),
      await api.post('/cases').send(referral),
      await api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }),
      await api.get('/escalations'),
      await api.get('/ready'),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
    }
    expect(await db.prisma.case.count()).toBe(1);
    expect(await db.prisma.caseSubject.count()).toBe(1);

    // The deadline and both escalation rungs pass while the read model is unreachable.
    await eventually('the second escalation time to pass', async () => Date.now() > task.dueAt.getTime() + 3_000, 20_000);
    expect(await db.prisma.escalation.count()).toBe(0);
    await proxy.restore();
    const restoredAt = Date.now();
    console.log(`database cut off for ${restoredAt - cutAt} ms`);

    await eventually(
      'the read model to catch up',
      async () => {
        const res = await api.get(`/cases/${caseId}`);
        if (res.status !== 200) return false;
        const [t] = res.body.tasks;
        return t.escalations.length === 2 && t.notifications.length === 4 && t.notifications.every((n: { status: string }) => n.status === 'sent');
      },
      60_000,
    );
    console.log(`read model caught up ${Date.now() - restoredAt} ms after the database came back`);

    // No gaps: each rung once, in order, and one email per notification.
    const escalations = await db.prisma.escalation.findMany({ where: { taskId: task.id }, orderBy: { level: 'asc' } });
    expect(escalations.map((e) => [e.level, e.target, e.status])).toEqual([
      [1, 'unitSupervisor', 'open'],
      [2, 'unitHead', 'open'],
    ]);
    const mails = await smtp.waitFor((m) => m.subject.includes(caseId), { count: 4, timeoutMs: 30_000 });
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(4);
    await api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    expect((await db.prisma.escalation.findMany({ where: { taskId: task.id } })).every((e) => e.status === 'resolved')).toBe(true);
    expect(await db.prisma.case.count()).toBe(1);
  });
});
