// npm run bench:scale: grows open cases on Temporal on PostgreSQL (dev/cluster.ts) step by step and,
// after each step, measures a probe of 10 deadlines, the worker's RSS, PostgreSQL bytes per open
// case and the time the step took. Hours at full size; not part of npm test. docs/bench-scale.json
// is written after every step, so a run cut short (Ctrl-C) still leaves its data and README section.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Client as PgClient, Pool as PgPool } from 'pg';
import { workerDefaults } from '../config';
import { startCluster } from '../dev/cluster';
import { startSmtpSink } from '../dev/smtpSink';
import { publishPolicy } from '../prisma/seed';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { createPrisma } from '../prisma/client';
import { createTestDatabase, TEST_APP_ROLE } from '../test/support/database';
import { testPayloadKeys } from '../test/support/keys';
import { fastYouthConcernPolicy } from '../test/support/policies';
import { openQuietCases, samverkanBurst, type BurstContext } from './bursts';
import { samverkanBundle, spawnSamverkanWorker } from './processes';
import { fmt, load, machine as readMachine, progress, root, rssBytes, envNumber as env } from './support';
import { writeReport, type ScalePoint, type ScaleReport } from './scaleReport';

process.env.SAMVERKAN_LOG = 'silent';
const shards = env('BENCH_SHARDS', 8);
const targetOpen = env('BENCH_SCALE_TARGET', 100_000);
const stepSize = env('BENCH_SCALE_STEP', 10_000);
const concurrency = env('BENCH_SCALE_CONCURRENCY', 64);
/** The worker's bounded workflow cache (WORKER_MAX_CACHED_WORKFLOWS). */
// What production runs unless told otherwise: the worker's own default bound.
const cache = env('BENCH_CACHE', workerDefaults.maxCachedWorkflows);
const postgresUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';

const jsonPath = join(root, 'docs', 'bench-scale.json');
const keep = process.env.BENCH_SCALE_KEEP === '1';

/** The run to resume: its databases must have been kept. */
function previousRun(): ScaleReport | undefined {
  if (process.env.BENCH_SCALE_RESUME !== '1') return undefined;
  const prev = JSON.parse(readFileSync(jsonPath, 'utf8')) as ScaleReport;
  if (!prev.kept || !prev.databases) throw new Error(`${jsonPath} is not from a run that kept its databases (BENCH_SCALE_KEEP=1)`);
  return prev;
}

/** The app's database: a fresh one, or the kept one of the run resumed. */
async function appDatabase(prev: ScaleReport | undefined) {
  if (!prev) {
    const db = await createTestDatabase('scale');
    await publishPolicy(db.prisma, fastYouthConcernPolicy('bench'));
    return db;
  }
  const url = new URL(`${postgresUrl}/${prev.databases.app}`);
  url.username = TEST_APP_ROLE;
  const prisma = createPrisma(url.toString());
  return {
    name: prev.databases.app,
    url: url.toString(),
    prisma,
    async drop() {
      await prisma.$disconnect();
      const admin = new PgClient({ connectionString: `${postgresUrl}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${prev.databases.app}" WITH (FORCE)`).finally(() => admin.end());
    },
  };
}

async function main(): Promise<void> {
  // No worker runs in this process, and SIGINT is the run's own (below), not the SDK's.
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const prev = previousRun();
  const machine = readMachine();
  progress(
    `machine: ${machine.cpus} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB; growing to ${targetOpen} open cases in steps of ${stepSize}, ` +
      `${prev?.shards ?? shards} history shards, worker cache ${cache}${prev ? `; resuming on ${prev.databases.temporal[0]} and ${prev.databases.app}` : ''}`,
  );
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    progress('SIGINT: no more starts; writing what was measured (again to quit at once)');
  });

  const [cluster, db, smtp] = await Promise.all([
    // A resumed run keeps the shard count: Temporal cannot change it on an existing store.
    startCluster({ postgresUrl, historyShards: prev?.shards ?? shards, dbPrefix: 'samverkan_scale', reuseDatabase: prev?.databases.temporal[0], log: progress }),
    appDatabase(prev),
    startSmtpSink({ port: 0 }),
  ]);
  const connection = await Connection.connect({ address: cluster.address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(testPayloadKeys())] } });
  const admin = new PgClient({ connectionString: `${postgresUrl}/postgres` });
  await admin.connect();
  const pg = new PgPool({ connectionString: db.url, max: 1 });
  const sizes = async () => {
    const size = async (name: string) => Number((await admin.query<{ s: string }>('SELECT pg_database_size($1) AS s', [name])).rows[0].s);
    let temporal = 0;
    for (const name of cluster.databases) temporal += await size(name);
    return { temporal, app: await size(db.name) };
  };
  const bundlePath = await samverkanBundle();
  let report: ScaleReport | undefined;
  let worker: Awaited<ReturnType<typeof spawnSamverkanWorker>> | undefined;
  try {
    worker = await spawnSamverkanWorker({
      address: cluster.address,
      taskQueue: 'bench-scale',
      databaseUrl: db.url,
      smtp: { host: smtp.host, port: smtp.port },
      bundlePath,
      env: { WORKER_MAX_CACHED_WORKFLOWS: String(cache) },
    });
    progress(`worker pid ${worker.pid} (log ${worker.logFile}), Temporal server pid ${cluster.process.pid}`);
    const ctx: BurstContext = {
      client,
      prisma: db.prisma,
      pg,
      temporalPid: cluster.process.pid!,
      taskQueue: { samverkan: 'bench-scale', raw: 'unused' },
      worker: { samverkan: worker },
      concurrency,
      marginMs: env('BENCH_MARGIN_MS', 5_000),
      giveUpMs: env('BENCH_GIVE_UP_S', 300) * 1000,
      smtp,
    };
    const base = prev ? { temporal: prev.baseline.temporalDbBytes, app: prev.baseline.appDbBytes } : await sizes();
    report = prev
      ? { ...prev, target: targetOpen, step: stepSize, concurrency, ended: undefined, kept: undefined, resumed: [...(prev.resumed ?? []), new Date().toISOString()] }
      : {
          machine,
          shards,
          cache,
          target: targetOpen,
          step: stepSize,
          concurrency,
          databases: { temporal: cluster.databases, app: db.name },
          nextStep: 0,
          baseline: { temporalDbBytes: base.temporal, appDbBytes: base.app, workerRssBytes: rssBytes(worker.pid) },
          points: [],
        };
    // Every task of the run is open (none is completed), probes included.
    const countOpen = () => db.prisma.task.count();
    let open = await countOpen();
    while (open < targetOpen && !stopping) {
      const k = report.nextStep++;
      writeFileSync(jsonPath, JSON.stringify(report, null, 1));
      const n = Math.min(stepSize, targetOpen - open);
      progress(`step ${k + 1}: opening ${n} cases (${open} open so far)`);
      const w = worker;
      const opened = await openQuietCases(ctx, `N${k}`, n, (c) => progress(`step ${k + 1}: ${c} of ${n} open, worker RSS ${fmt.mib(rssBytes(w.pid))} MiB`), () => stopping);
      if (stopping) break;
      // A probe of 10 deadlines at one instant, its cases open beside the others from then on.
      const probe = await samverkanBurst(ctx, `P${k}`, 10, 8);
      open = await countOpen();
      const now = await sizes();
      const point: ScalePoint = {
        open,
        stepSeconds: opened.seconds,
        openingRate: opened.rate,
        probeP50: probe.p50,
        probeP99: probe.p99,
        workerRssBytes: rssBytes(worker.pid),
        temporalRssBytes: rssBytes(cluster.process.pid!),
        temporalDbBytes: now.temporal,
        appDbBytes: now.app,
        temporalBytesPerCase: (now.temporal - base.temporal) / open,
        appBytesPerCase: (now.app - base.app) / open,
        load: load(),
        at: new Date().toISOString(),
      };
      report.points.push(point);
      writeFileSync(jsonPath, JSON.stringify(report, null, 1));
      progress(
        `step ${k + 1}: ${open} open; step ${point.stepSeconds.toFixed(0)} s at ${point.openingRate.toFixed(1)}/s; probe p99 ${fmt.s(point.probeP99)} s; ` +
          `worker RSS ${fmt.mib(point.workerRssBytes)} MiB, Temporal RSS ${fmt.mib(point.temporalRssBytes)} MiB; ` +
          `PostgreSQL per open case: Temporal ${(point.temporalBytesPerCase / 1024).toFixed(1)} KiB, app ${(point.appBytesPerCase / 1024).toFixed(1)} KiB`,
      );
    }
    report.ended = stopping ? `stopped at ${await countOpen()} open cases` : `reached ${open} open cases`;
  } catch (err) {
    if (report) report.ended = `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    throw err;
  } finally {
    if (report) {
      report.loadAtEnd = load();
      report.kept = keep;
      writeFileSync(jsonPath, JSON.stringify(report, null, 1));
      if (report.points.length) await writeReport(report);
    }
    await worker?.kill('SIGTERM');
    if (worker) rmSync(worker.logFile, { force: true });
    rmSync(bundlePath, { force: true });
    await pg.end();
    await admin.end();
    await connection.close();
    // BENCH_SCALE_KEEP=1 keeps Temporal's and the app's databases: BENCH_SCALE_RESUME=1 goes on from them.
    await cluster.stop({ dropDatabases: !keep });
    if (keep) {
      await db.prisma.$disconnect();
      progress(`kept databases ${[...cluster.databases, db.name].join(', ')}`);
    } else await db.drop();
    await smtp.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
