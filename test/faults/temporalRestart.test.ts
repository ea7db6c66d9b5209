import { emailHeadline } from '../../activities/email';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../dev/devServer';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { publishPolicy } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, testTemporalCli } from '../support/stack';
import { authedTestApp } from '../support/testApp';
import { spawnWorker, type WorkerProcess } from '../support/workerProcess';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const cases = 5;

describe('the Temporal server restarted', () => {
  let dir: string;
  let server: DevServer;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let worker: WorkerProcess | undefined;
  let connection: Connection;
  const taskQueue = `restart-temporal-${Date.now()}`;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'samverkan-restart-'));
    const port = await freePort();
    [server, db, smtp] = await Promise.all([
      startDevServer({ cliPath: testTemporalCli(), dbFile: path.join(dir, 'temporal.db'), port, uiPort: false }),
      createTestDatabase('restart_temporal'),
      startSmtpSink({ port: 0 }),
    ]);
    await publishPolicy(
      db.prisma,
      fastYouthConcernPolicy('test-restart-temporal', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(10) },
          reminders: [],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(3), target: 'unitHead' },
          ],
        },
      }),
    );
    connection = await Connection.connect({ address: server.address });
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await connection?.close();
    await server?.stop();
    await Promise.all([smtp?.stop(), db?.drop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('when the dev server stops while deadline timers are pending and starts again on the same file and port, then every timer fires and its lateness is reported', async () => {
    const target = { env: { address: server.address }, taskQueue, db: { url: db.url } };
    worker = await spawnWorker(target, smtp);
    const { api } = authedTestApp({ connection, prisma: db.prisma, taskQueue });
    const caseIds: string[] = [];
    for (let i = 0; i < cases; i++) {
      const { body } = await api
        .post('/cases')
        .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 15 } } })
        .expect(201);
      caseIds.push(body.caseId);
    }
    await smtp.waitFor((m) => m.subject.includes(emailHeadline('assigned')), { count: cases, timeoutMs: 60_000 });
    const tasks = await db.prisma.task.findMany({ where: { caseId: { in: caseIds } } });
    expect(tasks).toHaveLength(cases);

    await server.stop();
    const stoppedAt = Date.now();
    // Down across every deadline and both escalation rungs.
    const lastRung = Math.max(...tasks.map((t) => t.dueAt.getTime())) + 3_000;
    await eventually('every escalation time to pass while Temporal is down', async () => Date.now() > lastRung + 1_000, 30_000);
    expect(await db.prisma.escalation.count()).toBe(0);
    // Taken before the start call: timers fire as soon as the server runs, before it reports ready.
    const restartedAt = Date.now();
    server = await startDevServer({
      cliPath: testTemporalCli(),
      dbFile: path.join(dir, 'temporal.db'),
      port: Number(server.address.split(':')[1]),
      uiPort: false,
    });

    const escalations = await eventually(
      'every escalation after the restart',
      async () => {
        const rows = await db.prisma.escalation.findMany({ where: { caseId: { in: caseIds } } });
        return rows.length === cases * 2 && rows;
      },
      120_000,
    );
    const dueOf = new Map(tasks.map((t) => [t.id, t.dueAt.getTime()]));
    const lateness = escalations.map((e) => e.raisedAt.getTime() - (dueOf.get(e.taskId)! + (e.level - 1) * 3_000)).sort((a, b) => a - b);
    const afterRestart = escalations.map((e) => e.raisedAt.getTime() - restartedAt).sort((a, b) => a - b);
    console.log(
      `Temporal down ${restartedAt - stoppedAt} ms. Escalation lateness (deadline → recorded), ms: ` +
        `min ${lateness[0]}, median ${lateness[Math.floor(lateness.length / 2)]}, max ${lateness.at(-1)}; ` +
        `recorded ${afterRestart[0]}–${afterRestart.at(-1)} ms after the restart began`,
    );
    for (const ms of lateness) expect(ms).toBeGreaterThan(0);
    // Late only by the outage and the catch-up after it, not lost and not waiting for another cycle.
    expect(afterRestart.at(-1)!).toBeLessThan(60_000);
    await smtp.waitFor((m) => m.subject.includes(emailHeadline('escalation', 2)), { count: cases, timeoutMs: 60_000 });

    // The API's client reconnected by itself: a completion goes through.
    await api.post(`/tasks/${tasks[0].id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
