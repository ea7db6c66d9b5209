// npm run bench: samverkan against the raw Temporal floor, side by side in one run on one Temporal
// server, written to the README's performance section with SVG charts. Not part of npm test.
// Sizes: BENCH_REPEATS, BENCH_BURST, BENCH_GROW, BENCH_STARTS, BENCH_BLOCKS (see the README).
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Client as PgClient, Pool as PgPool } from 'pg';
import { workerDefaults } from '../config';
import { startCluster } from '../dev/cluster';
import { freePort, startDevServer } from '../dev/devServer';
import { startSmtpSink } from '../dev/smtpSink';
import { resolveTemporalCli } from '../dev/temporalCli';
import { completeTaskUpdate } from '../domain/messages';
import { publishPolicy } from '../prisma/seed';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { createTestDatabase, TEST_APP_ROLE } from '../test/support/database';
import { testPayloadKeys } from '../test/support/keys';
import { fastYouthConcernPolicy } from '../test/support/policies';
import { superuserIdentity } from '../test/support/testApp';
import { createTestIssuer } from '../test/support/tokens';
import { spawnApi } from '../test/support/workerProcess';
import { apiEntry } from './apiBuild';
import { openQuietCases, rawBurst, samverkanBurst, type BurstContext } from './bursts';
import type { CpuLayout } from './cpuLayout';
import { apiClient } from './http';
import { rawFloorBundle, samverkanBundle, spawnRawWorker, spawnSamverkanWorker } from './processes';
import { rawFloorTable, rawFloorTableSql } from './rawFloor/activities';
import { writeReport, type Block, type CurvePoint } from './report';
import { idleTaskQueue, measureStarts } from './starts';
import { fmt, load, machine as readMachine, pct, progress, rssBytes, envNumber as env } from './support';

process.env.SAMVERKAN_LOG = 'silent';
/** Blocks of raw, samverkan, samverkan, raw bursts. */
const repeats = env('BENCH_REPEATS', 3);
/** Deadlines at one instant in each burst. */
const burstSize = env('BENCH_BURST', 1000);
/** Open cases added after the bursts (they only wait), each step followed by a probe (measure 5). */
const grow = (process.env.BENCH_GROW ?? '2000,4000').split(',').filter(Boolean).map(Number);
const startsPerSide = env('BENCH_STARTS', 800);
const concurrency = env('BENCH_CONCURRENCY', 8);
const completions = env('BENCH_COMPLETIONS', 60);
/** Blocks of ratio 1, each four runs side by side: raw, API, API, raw. */
const startBlocks = env('BENCH_BLOCKS', 5);
const warmupRounds = env('BENCH_WARMUP', 5);
/** First guesses of the opening rates (tasks/s), before a round of each side has measured them. */
const openingGuess = { samverkan: env('BENCH_OPENING_RATE', 8), raw: env('BENCH_RAW_OPENING_RATE', 40) };

/** Which Temporal server the run measures: the dev server (default) or the PostgreSQL cluster. */
const target = process.env.BENCH_TARGET === 'cluster' ? 'cluster' : 'dev';
const shards = env('BENCH_SHARDS', 4);
/** Ratio 1's CPU layouts, in order (bench/cpuLayout.ts): "shared" is the measure, "split" pins the Temporal server apart. */
const layouts = (process.env.BENCH_LAYOUTS ?? 'shared,split').split(',').filter((l): l is CpuLayout => l === 'split' || l === 'shared');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const machine = readMachine();
  progress(`machine: ${machine.cpus} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAtStart}`);
  const cliPath = await resolveTemporalCli({ log: progress });
  // BENCH_TARGET=cluster runs the same measures on a real Temporal server on PostgreSQL (dev/cluster.ts).
  const startServer = async () => {
    if (target !== 'cluster') return startDevServer({ cliPath, uiPort: false });
    const cluster = await startCluster({ postgresUrl: process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432', historyShards: shards, dbPrefix: 'samverkan_bench', log: progress });
    return { address: cluster.address, process: cluster.process, stop: () => cluster.stop({ dropDatabases: true }) };
  };
  const [firstServer, db, smtp] = await Promise.all([startServer(), createTestDatabase('bench'), startSmtpSink({ port: 0 })]);
  let server = firstServer;
  const connection = await Connection.connect({ address: server.address });
  // Both sides encrypt payloads, as production does, so the ratios compare like with like.
  const client = new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(testPayloadKeys())] } });
  const policy = fastYouthConcernPolicy('bench');
  await publishPolicy(db.prisma, policy);
  const cleanup: Array<() => Promise<void>> = [];

  try {
    // 1. Start-case throughput: through the API vs bare client.workflow.start, same concurrency, no worker polling.
    // The API runs as its own process (api/main.ts, compiled as the image runs it), as in production: the load generator's
    // event loop is not the API's, and each side's CPU is measured apart.
    const issuer = createTestIssuer();
    const port = await freePort();
    const apiLog = join(os.tmpdir(), `samverkan-bench-api-${process.pid}.log`);
    const compiledEntry = await apiEntry(progress);
    const api = await spawnApi({ env: { address: server.address }, taskQueue: idleTaskQueue, db: { url: db.url }, issuer }, port, {
      compiledEntry,
      // No worker polls this queue, so every case the bench starts stays "starting"; in service the worker
      // moves a case on within a second and the reconciler finds nothing. Left at its 30 s, the
      // reconciler would spend the run starting the bench's own cases again (100 per pass).
      env: { RATE_LIMIT_PER_MINUTE: '1000000000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000000', START_RECONCILE_AFTER: 'PT1H' },
      // The API process's profile covers its whole life; it is written when the process exits.
      nodeArgs: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
      // The API logs every request, as in production; to a file, as a log shipper would take it,
      // not through a pipe this process would have to read on the load generator's CPU.
      logFile: apiLog,
    });
    cleanup.push(() => api.kill('SIGTERM'));
    const http = apiClient(port, `Bearer ${issuer.token(superuserIdentity('bench'))}`);
    cleanup.push(() => http.close());
    const measured = await measureStarts({
      target,
      cliPath,
      server,
      connection,
      client,
      policy,
      api: { http, pid: api.child.pid!, compiled: compiledEntry !== undefined },
      sizes: { perSide: startsPerSide, concurrency, blocks: startBlocks, warmupRounds },
      layouts,
    });
    server = measured.server;
    const starts = measured.result;
    if (process.env.BENCH_ONLY === 'starts') {
      // For working on ratio 1 alone: print it, leave the README as it is.
      console.log(JSON.stringify(starts));
      return;
    }

    // 2. Bursts of deadlines at one instant: samverkan against the raw floor, each worker its own process.
    progress('bundling samverkan\'s workflows and the raw floor\'s');
    const [samverkanBundlePath, rawBundlePath] = [await samverkanBundle(), await rawFloorBundle()];
    cleanup.push(async () => rmSync(samverkanBundlePath, { force: true }), async () => rmSync(rawBundlePath, { force: true }));
    // The raw floor's table, in the bench database with plain SQL; the app role writes it, as samverkan's worker does.
    const admin = new PgClient({ connectionString: db.adminUrl });
    await admin.connect();
    await admin.query(rawFloorTableSql);
    await admin.query(`GRANT SELECT, INSERT ON ${rawFloorTable} TO ${TEST_APP_ROLE}`);
    await admin.end();
    const pg = new PgPool({ connectionString: db.url, max: 2 });
    cleanup.push(() => pg.end());
    const taskQueue = { samverkan: 'bench', raw: 'bench-raw-floor' };
    // Both workers hold the same number of workflows, so the ratio is samverkan's work, not a setting.
    const workerEnv: Record<string, string> = {
      WORKER_MAX_CACHED_WORKFLOWS: process.env.BENCH_CACHE ?? String(workerDefaults.maxCachedWorkflows),
      ...(process.env.BENCH_RAW_MAILER ? { RAW_FLOOR_MAILER: process.env.BENCH_RAW_MAILER } : {}),
    };
    const common = { address: server.address, databaseUrl: db.url, smtp: { host: smtp.host, port: smtp.port }, env: workerEnv };
    const [samverkanWorker, rawWorker] = await Promise.all([
      spawnSamverkanWorker({ ...common, taskQueue: taskQueue.samverkan, bundlePath: samverkanBundlePath }),
      spawnRawWorker({ ...common, taskQueue: taskQueue.raw, bundlePath: rawBundlePath }),
    ]);
    cleanup.push(
      () => samverkanWorker.kill('SIGTERM'),
      () => rawWorker.kill('SIGTERM'),
    );
    progress(`workers: samverkan pid ${samverkanWorker.pid} (log ${samverkanWorker.logFile}), raw floor pid ${rawWorker.pid}`);
    const ctx: BurstContext = {
      client,
      prisma: db.prisma,
      pg,
      temporalPid: server.process.pid!,
      taskQueue,
      worker: { samverkan: samverkanWorker, raw: rawWorker },
      concurrency: 16,
      marginMs: env('BENCH_MARGIN_MS', 5_000),
      giveUpMs: env('BENCH_GIVE_UP_S', 300) * 1000,
      smtp,
    };
    // The instant of a round is chosen from the last measured opening rate of its side, with room to spare.
    const rate = { ...openingGuess };
    const allTasks: string[] = [];
    let open = 0;
    const run = async (side: 'raw' | 'samverkan', label: string, n: number) => {
      const result = side === 'raw' ? await rawBurst(ctx, label, n, rate.raw) : await samverkanBurst(ctx, label, n, rate.samverkan);
      if (Number.isFinite(result.openingRate) && result.openingRate > 0) rate[side] = result.openingRate * 0.8;
      if (side === 'samverkan') {
        open += n;
        allTasks.push(...Array.from({ length: n }, (_, i) => `${label}-${String(i).padStart(6, '0')}.t`));
      }
      progress(
        `${label} (${side}, ${n}): p50 ${fmt.s(result.p50)} s, p99 ${fmt.s(result.p99)} s, drain ${fmt.rate(result.drainPerSecond)}/s` +
          `${side === 'samverkan' ? `, emails ${fmt.rate(result.emailsPerSecond)}/s` : ''}, opening ${fmt.rate(result.openingRate)}/s; ` +
          `CPU s Temporal ${result.cpu.temporal.toFixed(1)}, worker ${result.cpu.worker.toFixed(1)}, PostgreSQL ${result.cpu.postgres.toFixed(1)}; worker RSS ${fmt.mib(result.workerRssBytes)} MiB`,
      );
      return result;
    };
    // One small round of each warms both workers (JIT, pools, the sticky cache) before measuring.
    const warm = Math.min(50, burstSize);
    progress(`bursts: warming both workers with ${warm} deadlines each`);
    await run('raw', 'WR', warm);
    await run('samverkan', 'WS', warm);
    const rssStart = rssBytes(samverkanWorker.pid);
    const openStart = open;
    const blocks: Block[] = [];
    const curve: CurvePoint[] = [];
    const probe = async (after: string, label: string) => {
      const openAtProbe = open;
      const result = await samverkanBurst(ctx, label, 10, Math.max(1, rate.samverkan));
      open += 10;
      allTasks.push(...Array.from({ length: 10 }, (_, i) => `${label}-${String(i).padStart(6, '0')}.t`));
      curve.push({ open: openAtProbe, after, probe: result, workerRssBytes: rssBytes(samverkanWorker.pid) });
      progress(`probe at ${openAtProbe} open cases: p99 ${fmt.s(result.p99)} s (samverkan worker RSS ${fmt.mib(rssBytes(samverkanWorker.pid))} MiB)`);
    };
    await probe('warm-up', 'P0');
    // The server drifts as its store fills, so each block runs raw, samverkan, samverkan, raw: the
    // drift hits both sides alike and cancels from the block's ratio.
    for (let b = 1; b <= repeats; b++) {
      progress(`burst block ${b} of ${repeats}: ${burstSize} deadlines at one instant, raw, samverkan, samverkan, raw`);
      const rounds = [await run('raw', `R${b}a`, burstSize), await run('samverkan', `S${b}a`, burstSize), await run('samverkan', `S${b}b`, burstSize), await run('raw', `R${b}b`, burstSize)];
      const p99 = (side: string) => rounds.filter((r) => r.side === side).map((r) => r.p99);
      const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
      const ratio = mean(p99('samverkan')) / Math.max(1, mean(p99('raw')));
      blocks.push({ rounds, ratio });
      progress(`burst block ${b} of ${repeats}: samverkan p99 ÷ raw p99 = ${ratio.toFixed(2)}`);
      await probe(`block ${b}`, `P${b}`);
    }
    // Then more open cases that only wait, each step followed by a probe: how many open cases can
    // the server hold with deadlines still on time?
    for (const [g, n] of grow.entries()) {
      if (curve.at(-1)!.probe.p99 >= 2_000) break;
      progress(`growth ${g + 1} of ${grow.length}: opening ${n} quiet cases`);
      const opened = await openQuietCases(ctx, `G${g}`, n, (c) => progress(`G${g}: ${c} of ${n} quiet tasks open`));
      open += n;
      progress(`G${g}: ${n} opened in ${opened.seconds.toFixed(0)} s (${opened.rate.toFixed(1)}/s)`);
      allTasks.push(...Array.from({ length: n }, (_, i) => `G${g}-${String(i).padStart(6, '0')}.t`));
      await probe(`growth ${g + 1}`, `Q${g}`);
    }
    const rssEnd = rssBytes(samverkanWorker.pid);
    const memory = { samverkanPerThousand: ((rssEnd - rssStart) / Math.max(1, open - openStart)) * 1000, open, samverkanRss: rssEnd, rawRss: rssBytes(rawWorker.pid) };

    // 3. Completing a task: through the API vs the bare Temporal update.
    const apiLat: number[] = [];
    const rawLat: number[] = [];
    const toComplete = allTasks.slice(-completions * 2);
    for (let i = 0; i < toComplete.length; i++) {
      const t0 = performance.now();
      if (i % 2 === 0) {
        const status = await http.post(`/tasks/${toComplete[i]}/complete`, { outcome: 'done' });
        if (status !== 200) throw new Error(`complete answered ${status}`);
        apiLat.push(performance.now() - t0);
      } else {
        await client.workflow.getHandle(toComplete[i]).executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', actor: 'bench' }] });
        rawLat.push(performance.now() - t0);
      }
    }
    const completion = { apiP95: pct(apiLat, 95), rawP95: pct(rawLat, 95), ratio: pct(apiLat, 95) / pct(rawLat, 95), n: apiLat.length };
    progress(`completion p95: API ${completion.apiP95.toFixed(1)} ms, bare update ${completion.rawP95.toFixed(1)} ms`);

    // Kept only if the run failed, for looking into why.
    rmSync(apiLog, { force: true });
    rmSync(samverkanWorker.logFile, { force: true });
    rmSync(rawWorker.logFile, { force: true });
    await writeReport({ target, shards, machine, loadAtEnd: load(), starts, burst: { n: burstSize, blocks }, curve, memory, completion });
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await connection.close();
    await server.stop();
    await Promise.all([smtp.stop(), db.drop()]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
