// npm run bench: samverkan against the raw Temporal floor, side by side in one run on one Temporal
// server, written to the README's performance section with SVG charts. Not part of npm test.
// Sizes: BENCH_REPEATS, BENCH_BURST, BENCH_GROW, BENCH_STARTS, BENCH_BLOCKS (see the README).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Client as PgClient, Pool as PgPool } from 'pg';
import { Pool } from 'undici';
import { workerDefaults } from '../config';
import { startCluster } from '../dev/cluster';
import { freePort, startDevServer, type DevServer } from '../dev/devServer';
import { startSmtpSink } from '../dev/smtpSink';
import { resolveTemporalCli } from '../dev/temporalCli';
import { sv as catalog } from '../domain/catalog';
import { completeTaskUpdate } from '../domain/messages';
import { publishPolicy } from '../prisma/seed';
import { createTestDatabase, TEST_APP_ROLE } from '../test/support/database';
import { fastYouthConcernPolicy } from '../test/support/policies';
import { superuserIdentity } from '../test/support/testApp';
import { createTestIssuer } from '../test/support/tokens';
import { spawnApi } from '../test/support/workerProcess';
import { apiEntry } from './apiBuild';
import { youthConcernCase } from '../workflows';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { testPayloadKeys } from '../test/support/keys';
import { newCaseId } from '../api/useCases/recordCase';
import { barChartSvg, writeSvg } from './charts';
import { rawFloorTable, rawFloorTableSql } from './rawFloor/activities';
import {
  cpuSeconds,
  fmt,
  load,
  machine as readMachine,
  median,
  openQuietCases,
  pct,
  pool,
  sleep,
  postgresCpuSeconds,
  progress,
  rawBurst,
  rawFloorBundle,
  replaceSection,
  root,
  rssBytes,
  samverkanBundle,
  samverkanBurst,
  spawnRawWorker,
  spawnSamverkanWorker,
  type BurstContext,
  type BurstResult,
  type Machine,
  envNumber as env,
  writeProbeChart,
} from './support';

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
const markers = target === 'cluster' ? 'bench-cluster' : 'bench';

/** The bearer token every benchmark request carries (a test superuser). */
let bearer = '';

/** The HTTP load generator: undici's keep-alive pool, so the client's own cost stays small beside the API's. */
let http: Pool | undefined;
async function post(port: number, path: string, body: unknown): Promise<number> {
  http ??= new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
  const res = await http.request({ path, method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body: JSON.stringify(body) });
  await res.body.dump();
  return res.statusCode;
}

/**
 * Stops the dev server and starts an empty one on its port; returns once the load generator's
 * connection and the API (its /ready asks Temporal) both reach the new one.
 */
async function restartDevServer(old: DevServer, cliPath: string, apiPort: number, connection: Connection): Promise<DevServer> {
  progress('start throughput: starting the dev server again with an empty store');
  await old.stop();
  const server = await startDevServer({ cliPath, uiPort: false, port: Number(old.address.split(':').at(-1)) });
  for (const deadline = Date.now() + 60_000; ; await sleep(250)) {
    const clientReady = await connection.workflowService.getSystemInfo({}).then(() => true, () => false);
    const apiReady = await fetch(`http://127.0.0.1:${apiPort}/ready`).then((r) => r.ok, () => false);
    if (clientReady && apiReady) return server;
    if (Date.now() > deadline) throw new Error('the load generator or the API did not reach the restarted dev server in 60 s');
  }
}

/** BENCH_PROFILE=<dir>: V8 CPU profiles of the load generator in each measured window of ratio 1, and of the API process (open them in Chrome DevTools). */
async function profiled(label: string, run: () => Promise<void>): Promise<void> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return run();
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string) => new Promise<T>((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    await run();
  } finally {
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${label}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

interface Block {
  rounds: BurstResult[];
  /** samverkan p99 ÷ raw p99 over the block: mean of its two samverkan rounds ÷ mean of its two raw rounds. */
  ratio: number;
}

interface CurvePoint {
  /** Open cases when the probe ran. */
  open: number;
  /** What opened them: a block's samverkan bursts, or a growth step of cases that only wait. */
  after: string;
  probe: BurstResult;
  workerRssBytes: number;
}

interface Report {
  target: 'dev' | 'cluster';
  machine: Machine;
  loadAtEnd: string;
  starts: { apiRate: number; rawRate: number; ratio: number; lowest: number; highest: number; blocks: number; concurrency: number; perSide: number; api: 'compiled' | 'source' };
  burst: { n: number; blocks: Block[] };
  curve: CurvePoint[];
  memory: { samverkanPerThousand: number; open: number; samverkanRss: number; rawRss: number };
  completion: { apiP95: number; rawP95: number; ratio: number; n: number };
}

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
    const idle = 'bench-unpolled';
    // The API runs as its own process (api/main.ts, compiled as the image runs it), as in production: the load generator's
    // event loop is not the API's, and each side's CPU is measured apart.
    const issuer = createTestIssuer();
    bearer = `Bearer ${issuer.token(superuserIdentity('bench'))}`;
    const port = await freePort();
    const apiLog = join(os.tmpdir(), `samverkan-bench-api-${process.pid}.log`);
    const compiledEntry = await apiEntry(progress);
    const api = await spawnApi({ env: { address: server.address }, taskQueue: idle, db: { url: db.url }, issuer }, port, {
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
    const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 15 } } };
    const items = Array.from({ length: startsPerSide }, (_, i) => i);
    // Besides the rate, where the CPU went per start: the Temporal server and this process
    // (load generator + API, or load generator alone), so a gap in the ratio can be located.
    const timed = async (label: string, run: () => Promise<void>) => {
      const server0 = cpuSeconds(server.process.pid!);
      const api0 = cpuSeconds(api.child.pid!);
      const pg0 = postgresCpuSeconds();
      const own0 = process.cpuUsage();
      const t0 = performance.now();
      await profiled(label, run);
      const rate = startsPerSide / ((performance.now() - t0) / 1000);
      const own = process.cpuUsage(own0);
      const perStart = (s: number) => ((s * 1000) / startsPerSide).toFixed(2);
      progress(`${label}: ${rate.toFixed(1)}/s; CPU ms per start: Temporal ${perStart(cpuSeconds(server.process.pid!) - server0)}, API process ${perStart(cpuSeconds(api.child.pid!) - api0)}, load generator ${perStart((own.user + own.system) / 1e6)}, PostgreSQL ${perStart(postgresCpuSeconds() - pg0)}`);
      return rate;
    };
    const measureApi = () =>
      timed('API', () =>
        pool(items, concurrency, async () => {
          const status = await post(port, '/cases', referral);
          if (status !== 201) throw new Error(`POST /cases answered ${status}`);
        }),
      );
    const measureRaw = () =>
      timed('raw', () =>
        pool(items, concurrency, async () => {
          // The same call the API makes for this referral: same options, same input.
          const caseId = newCaseId(new Date());
          await client.workflow.start(youthConcernCase, {
            workflowId: caseId,
            taskQueue: idle,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            args: [{ caseId, policy, receivedAt: new Date().toISOString(), receiptStated: false, routing: { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true } }],
          });
        }),
      );
    // Warm both paths (JIT, garbage collector sizing, connection pools, prepared statements) before
    // measuring: the API process's CPU per start kept falling for about 4,000 requests (5.2 to
    // 2.5 ms on 2026-12-02), so one round left the first blocks measuring a cold API.
    for (let round = 1; round <= warmupRounds; round++) {
      progress(`start throughput: warming both paths, round ${round} of ${warmupRounds}`);
      await measureRaw();
      await measureApi();
    }
    // The warm-up's cases would fill the server's store, which slows it and narrows the gap; the
    // dev server (in memory) starts again empty on the same port, and both sides reconnect to it.
    if (target === 'dev') server = await restartDevServer(server, cliPath, port, connection);
    // The server slows as its store fills, so runs go in blocks of raw, API, API, raw: over a
    // block the drift is the same for both sides and cancels from the block's ratio,
    // sum(API) ÷ sum(raw).
    const apiRates: number[] = [];
    const rawRates: number[] = [];
    const blockRatios: number[] = [];
    for (let block = 0; block < startBlocks; block++) {
      const raw1 = await measureRaw();
      const api1 = await measureApi();
      const api2 = await measureApi();
      const raw2 = await measureRaw();
      apiRates.push(api1, api2);
      rawRates.push(raw1, raw2);
      blockRatios.push((api1 + api2) / (raw1 + raw2));
      progress(`start throughput, block ${block + 1} of ${startBlocks}: API ${api1.toFixed(1)}, ${api2.toFixed(1)}/s, raw ${raw1.toFixed(1)}, ${raw2.toFixed(1)}/s: ratio ${blockRatios.at(-1)!.toFixed(3)}`);
    }
    const starts = {
      apiRate: median(apiRates),
      rawRate: median(rawRates),
      // The median block: one lucky or unlucky block does not decide it.
      ratio: median(blockRatios),
      lowest: Math.min(...blockRatios),
      highest: Math.max(...blockRatios),
      blocks: blockRatios.length,
      concurrency,
      perSide: startsPerSide,
      api: compiledEntry ? ('compiled' as const) : ('source' as const),
    };
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
        const status = await post(port, `/tasks/${toComplete[i]}/complete`, { outcome: 'done' });
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
    await writeReport({ target, machine, loadAtEnd: load(), starts, burst: { n: burstSize, blocks }, curve, memory, completion });
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await http?.close();
    await connection.close();
    await server.stop();
    await Promise.all([smtp.stop(), db.drop()]);
  }
}

interface Row {
  /** Stable across versions of the bench, so the comparison table pairs rows by it. */
  key: string;
  m: string;
  ratio: string;
  values: string;
}

/** Dev server and cluster side by side, from the last run against each (docs/bench-*.json). */
function withComparison(readme: string): string {
  const read = (t: string) => {
    try {
      return JSON.parse(readFileSync(join(root, 'docs', `bench-${t}.json`), 'utf8')) as { measured: string; load: string; rows: Row[] };
    } catch {
      return undefined;
    }
  };
  const dev = read('dev');
  const cluster = read('cluster');
  if (!dev || !cluster) return readme;
  const cell = (row?: { ratio: string; values: string }) => (row ? (row.ratio === '—' ? row.values : `**${row.ratio}** (${row.values})`) : 'not measured');
  // Rows pair by key; a run from before the keys pairs by position only with another such run.
  const partner = (row: Row, i: number) => (row.key ? cluster.rows.find((r) => r.key === row.key) : cluster.rows[i]);
  const table = [
    '<!-- bench-compare:start (written by npm run bench from docs/bench-dev.json and docs/bench-cluster.json) -->',
    `| Measure | Temporal dev server (${dev.measured.slice(0, 16).replace('T', ' ')}, load ${dev.load}) | Temporal on PostgreSQL (${cluster.measured.slice(0, 16).replace('T', ' ')}, load ${cluster.load}) |`,
    '|---|---|---|',
    ...dev.rows.map((row, i) => `| ${row.m} | ${cell(row)} | ${cell(partner(row, i))} |`),
    '<!-- bench-compare:end -->',
  ].join('\n');
  const re = /<!-- bench-compare:start[\s\S]*?<!-- bench-compare:end -->/;
  return re.test(readme) ? readme.replace(re, () => table) : readme.replace(/<!-- bench:start/, `${table}\n\n<!-- bench:start`);
}

const range = (values: number[], f: (v: number) => string) => `${f(median(values))} (range ${f(Math.min(...values))}–${f(Math.max(...values))})`;

async function writeReport(r: Report): Promise<void> {
  const rounds = r.burst.blocks.flatMap((b, i) => b.rounds.map((round) => ({ block: i + 1, round })));
  const side = (s: 'raw' | 'samverkan') => rounds.filter((x) => x.round.side === s).map((x) => x.round);
  const sv = side('samverkan');
  const raw = side('raw');
  const ratios = r.burst.blocks.map((b) => b.ratio);
  const ratioMedian = median(ratios);
  const onTime = r.curve.filter((c) => c.probe.p99 < 2_000);
  const largest = onTime.length ? Math.max(...onTime.map((c) => c.open)) : 0;
  const lastProbe = r.curve.at(-1);
  const overran = rounds.filter((x) => x.round.openedBeforeInstantMs < 0);
  const svEmails = sv.map((x) => x.emailsPerSecond).filter((x): x is number => x !== null);
  const rows: Row[] = [
    {
      key: 'starts',
      m: `1. API start-case ÷ raw \`client.workflow.start\` (throughput, concurrency ${r.starts.concurrency}, same call on both sides; the API ${r.starts.api === 'compiled' ? 'compiled, as the image runs it' : 'run from source through tsx'})`,
      ratio: r.starts.ratio.toFixed(2),
      values: `median of ${r.starts.blocks} blocks of raw, API, API, raw (range ${r.starts.lowest.toFixed(2)}–${r.starts.highest.toFixed(2)}); medians ${r.starts.apiRate.toFixed(1)} ÷ ${r.starts.rawRate.toFixed(1)} starts/s`,
    },
    {
      key: 'burst-p99',
      m: `2. p99 lateness, ${r.burst.n} deadlines at one instant: samverkan ÷ the raw Temporal floor (timer + one activity: insert a row, send an email)`,
      ratio: Number.isFinite(ratioMedian) ? ratioMedian.toFixed(2) : '—',
      values: ratios.length
        ? `median of ${ratios.length} blocks of raw, samverkan, samverkan, raw (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); p99 samverkan ${range(sv.map((x) => x.p99), fmt.s)} s, raw ${range(raw.map((x) => x.p99), fmt.s)} s`
        : 'not measured',
    },
    {
      key: 'drain',
      m: '2a. Drain rate: escalations recorded per second through the burst (n ÷ (last recorded − instant))',
      ratio: sv.length ? (median(sv.map((x) => x.drainPerSecond)) / median(raw.map((x) => x.drainPerSecond))).toFixed(2) : '—',
      values: sv.length ? `samverkan ${range(sv.map((x) => x.drainPerSecond), fmt.rate)}/s, raw ${range(raw.map((x) => x.drainPerSecond), fmt.rate)}/s` : 'not measured',
    },
    {
      key: 'emails',
      m: "2b. samverkan's escalation emails sent per second from the instant (the raw floor sends in its one activity: its drain rate)",
      ratio: '—',
      values: svEmails.length ? `${range(svEmails, fmt.rate)}/s` : '—',
    },
    {
      key: 'opening',
      m: '2c. Opening rate: tasks opened per second before the instant (samverkan: task row open; raw: timer set)',
      ratio: '—',
      values: sv.length ? `samverkan ${range(sv.map((x) => x.openingRate), fmt.rate)}/s, raw ${range(raw.map((x) => x.openingRate), fmt.rate)}/s` : 'not measured',
    },
    {
      key: 'completion',
      m: '3. p95 completing a task: API ÷ bare Temporal update',
      ratio: r.completion.ratio.toFixed(2),
      values: `${r.completion.apiP95.toFixed(1)} ms ÷ ${r.completion.rawP95.toFixed(1)} ms (${r.completion.n} each)`,
    },
    {
      key: 'memory',
      m: "4. samverkan worker process's RSS per 1,000 open cases",
      ratio: '—',
      values: `${fmt.mib(r.memory.samverkanPerThousand)} MiB (RSS ${fmt.mib(r.memory.samverkanRss)} MiB at ${r.memory.open} open; raw floor worker ${fmt.mib(r.memory.rawRss)} MiB)`,
    },
    {
      key: 'probe',
      m: '5. Largest open-case count with a probe of 10 deadlines at p99 < 2 s',
      ratio: '—',
      values: `${largest} (largest tried: ${lastProbe?.open ?? 0})`,
    },
  ];
  // A block whose ratio is a quarter or more off the median disagrees: said so, with its load.
  const disagreeing = r.burst.blocks
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => Math.abs(b.ratio - ratioMedian) / ratioMedian >= 0.25)
    .map(({ b, i }) => `block ${i + 1} (ratio ${b.ratio.toFixed(2)}, load at its instants ${b.rounds.map((x) => x.loadAtInstant.split(' ')[0]).join(', ')})`);
  const roundRows = rounds.map(
    ({ block, round: x }) =>
      `| ${block} | ${x.label} | ${x.side} | ${x.recorded}/${x.n} | ${fmt.s(x.p50)} | ${fmt.s(x.p99)} | ${fmt.s(x.max)} | ${fmt.rate(x.drainPerSecond)} | ${x.side === 'raw' ? '(in the activity)' : fmt.rate(x.emailsPerSecond)} | ${fmt.rate(x.openingRate)} | ${fmt.s(x.openedBeforeInstantMs)} | ${x.cpu.temporal.toFixed(1)} / ${x.cpu.worker.toFixed(1)} / ${x.cpu.postgres.toFixed(1)} | ${fmt.mib(x.workerRssBytes)} | ${x.loadAtInstant.split(' ')[0]} |`,
  );
  const curveRows = r.curve.map((c) => `| ${c.open} | ${c.after} | ${fmt.s(c.probe.p50)} | ${fmt.s(c.probe.p99)} | ${fmt.mib(c.workerRssBytes)} |`);
  const burstChart = `bench-burst-${r.target}.svg`;
  const probeChart = `bench-probe-${r.target}.svg`;
  const serverName = r.target === 'cluster' ? `Temporal server on PostgreSQL (dev/cluster.ts, ${shards} history shards)` : 'Temporal dev server (CLI, SQLite)';
  const section = [
    `<!-- ${markers}:start (written by npm run bench${r.target === 'cluster' ? ' with BENCH_TARGET=cluster' : ''}) -->`,
    `**Target: ${serverName}.** Workflow cache of both workers: ${process.env.BENCH_CACHE ?? `${workerDefaults.maxCachedWorkflows} (samverkan's default)`}; the raw floor mails over ${process.env.BENCH_RAW_MAILER === 'single' ? 'a new connection per mail' : "the outbox's pooled transport"}.`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAtStart} at the start and ${r.loadAtEnd} at the end (the machine was shared, so treat the numbers as noisy).`,
    '',
    '| Measure | Ratio | Values |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.m} | ${row.ratio} | ${row.values} |`),
    '',
    disagreeing.length ? `Blocks that disagree with the others (a quarter or more off the median ratio): ${disagreeing.join('; ')}.` : `No block's ratio is a quarter or more off the median.`,
    overran.length ? `Rounds whose openings were not done before the instant (their lateness includes the openings): ${overran.map((x) => x.round.label).join(', ')}.` : 'Every round\'s openings were done before its instant.',
    '',
    'Every burst round (lateness in seconds; samverkan: escalation recorded − due, raw: row inserted − instant; CPU seconds from the instant to the last row, per process):',
    '',
    '| block | round | side | recorded | p50 s | p99 s | max s | drain /s | emails /s | opening /s | openings done before the instant, s | CPU s Temporal / worker / PostgreSQL | worker RSS MiB | load (1 min) at the instant |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...roundRows,
    '',
    'A probe of 10 deadlines at one instant as open cases grow (the bursts\' cases stay open; the growth steps add cases due in 30 days, which only wait):',
    '',
    '| open cases | after | probe p50 s | probe p99 s | samverkan worker RSS MiB |',
    '|---|---|---|---|---|',
    ...curveRows,
    '',
    `![Burst p99 against the raw floor](docs/${burstChart})`,
    '',
    `![Probe p99 against open cases](docs/${probeChart})`,
    `<!-- ${markers}:end -->`,
  ].join('\n');

  // Chart strings are Swedish, from the catalog (a person reads them).
  const c = catalog.benchCharts;
  const bars = (
    [
      [c.rawTemporal, raw],
      [c.samverkan, sv],
    ] as const
  )
    .filter(([, xs]) => xs.length)
    .map(([name, xs]) => {
      const v = xs.map((x) => x.p99);
      return { group: String(r.burst.n), name, value: median(v), low: Math.min(...v), high: Math.max(...v) };
    });
  writeSvg(join(root, 'docs', burstChart), await barChartSvg({ title: c.burstTitle, xTitle: c.deadlinesInBurst, yTitle: c.p99LatenessMs, bars }));
  await writeProbeChart(join(root, 'docs', probeChart), r.curve.map((p) => ({ x: p.open, y: p.probe.p99 })));
  // The raw figures beside the table's rows, so either table can be rebuilt after either target's run.
  const summary = { measured: new Date().toISOString(), load: `${r.machine.loadAtStart} → ${r.loadAtEnd}`, rows, figures: r };
  writeFileSync(join(root, 'docs', `bench-${r.target}.json`), JSON.stringify(summary, null, 1));
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, withComparison(replaceSection(readFileSync(readmePath, 'utf8'), markers, section)));
  console.log(section);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
