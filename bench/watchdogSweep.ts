// npm run bench:watchdog: one watchdog sweep over N open cases (BENCH_WATCHDOG_CASES, default
// 10,000), each with one open task, on a Temporal dev server and a fresh database. Every case's
// and task's workflow is started on a queue no worker serves, so Temporal holds them as running
// at the cost of a row each; BENCH_WATCHDOG_GONE of the cases (default 0.5 %) get no workflow, so
// the sweep has findings to record and mail. Prints sweep seconds per 1,000 open cases and the
// worker process's peak heap while it swept. Not part of npm test.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities, systemClock } from '../activities';
import { startDevServer } from '../dev/devServer';
import { startSmtpSink } from '../dev/smtpSink';
import { resolveTemporalCli } from '../dev/temporalCli';
import type { WatchdogSweepInput } from '../domain/watchdog';
import { createTestDatabase } from '../test/support/database';
import { testPayloadKeys } from '../test/support/keys';
import { watchdogSweep } from '../workflows';
import { createWorker } from '../worker/createWorker';
import { createMailer } from '../worker/mailer';
import { AesGcmPayloadCodec } from '../security/payloadCodec';

process.env.SAMVERKAN_LOG = 'silent';
const cases = Number(process.env.BENCH_WATCHDOG_CASES ?? 10_000);
const goneShare = Number(process.env.BENCH_WATCHDOG_GONE ?? 0.005);
const startConcurrency = Number(process.env.BENCH_WATCHDOG_CONCURRENCY ?? 16);
const progress = (line: string) => process.stderr.write(`[bench:watchdog ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cliPath = await resolveTemporalCli({ log: progress });
  const [server, db, smtp] = await Promise.all([startDevServer({ cliPath, uiPort: false }), createTestDatabase('bench_watchdog'), startSmtpSink({ port: 0 })]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const prisma = db.prisma;
    const unit = await prisma.unit.findUniqueOrThrow({ where: { code: 'soc-children-youth' } });
    const policy = await prisma.policy.findFirstOrThrow({ where: { caseType: 'youth-concern' }, orderBy: { activatedAt: 'desc' } });
    const tag = randomBytes(3).toString('hex').toUpperCase();
    const ids = Array.from({ length: cases }, (_, i) => `VPC-2026-B${tag}${String(i).padStart(6, '0')}`);
    const now = Date.now();
    progress(`recording ${cases} open cases with one open task each`);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      await prisma.case.createMany({ data: chunk.map((id) => ({ id, workflowId: id, caseType: 'youth-concern', policyVersion: policy.version, status: 'open', currentStep: 'protectionAssessment' })) });
      await prisma.task.createMany({
        data: chunk.map((id) => ({
          id: `${id}.protection-assessment`,
          caseId: id,
          stepKey: 'protectionAssessment',
          unitId: unit.id,
          status: 'open',
          startedAt: new Date(now),
          dueAt: new Date(now + 86_400_000),
          originalDueAt: new Date(now + 86_400_000),
        })),
      });
    }
    const gone = new Set(ids.filter((_, i) => i % Math.round(1 / goneShare) === 0));
    const withWorkflow = ids.filter((id) => !gone.has(id)).flatMap((id) => [id, `${id}.protection-assessment`]);
    progress(`starting ${withWorkflow.length} workflows on a queue no worker serves (${gone.size} cases left without)`);
    const startedAt = Date.now();
    await pool(withWorkflow, startConcurrency, async (workflowId) => {
      await client.workflow.start('placeholder', { workflowId, taskQueue: 'bench-nobody', args: [] });
    });
    progress(`started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
    const bundlePath = join(os.tmpdir(), `samverkan-bench-watchdog-${process.pid}.js`);
    writeFileSync(bundlePath, bundle.code);
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const taskQueue = 'bench-watchdog';
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      payloadKeys: testPayloadKeys(),
      workflowBundle: { codePath: bundlePath },
      activities: createActivities({
        prisma,
        temporal: client,
        mailer: createMailer({ host: smtp.host, port: smtp.port, secure: false }),
        clock: systemClock,
        config: { appBaseUrl: 'http://bench.invalid', mailFrom: 'bench <bench@samverkan.local>', timeZone: 'Europe/Stockholm' },
      }),
    });
    const input: WatchdogSweepInput = { everyMs: 300_000, startingAfterMs: 900_000, unacknowledgedAfterMs: 259_200_000, escalationGraceMs: 120_000, operationsUnitCode: 'operations' };
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);
    const heapBefore = process.memoryUsage().heapUsed;
    // The worker encrypts payloads, as production does: the client that starts the sweep must too.
    const sweeper = new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(testPayloadKeys())] } });
    progress('sweeping');
    const result = await worker.runUntil(sweeper.workflow.execute(watchdogSweep, { workflowId: `bench-watchdog-sweep-${tag}`, taskQueue, args: [input] }));
    clearInterval(sampler);
    const run = await prisma.watchdogRun.findUniqueOrThrow({ where: { id: result.runId } });
    const findings = await prisma.watchdogFinding.count({ where: { resolvedAt: null } });
    const seconds = run.durationMs / 1000;
    console.log(
      JSON.stringify(
        {
          openCases: cases,
          openTasks: cases,
          casesChecked: run.casesChecked,
          tasksChecked: run.tasksChecked,
          findings,
          expectedFindings: gone.size * 2,
          sweepSeconds: Number(seconds.toFixed(2)),
          sweepSecondsPer1000OpenCases: Number(((seconds / cases) * 1000).toFixed(3)),
          workerHeapMiBBefore: Math.round(heapBefore / 2 ** 20),
          workerHeapMiBPeak: Math.round(peakHeap / 2 ** 20),
          machine: { cpus: os.cpus().length, load1: Number(os.loadavg()[0].toFixed(2)) },
        },
        null,
        2,
      ),
    );
    await nativeConnection.close();
  } finally {
    await connection.close();
    await Promise.all([server.stop(), smtp.stop(), db.drop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
