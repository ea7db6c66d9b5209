// npm run bench: five measures side by side in one run on one Temporal dev server, written to the
// README's performance section with a PNG chart. Not part of npm test. Sizes: BENCH_ROUNDS.
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { PNG } from 'pngjs';
import { Pool } from 'undici';
import { createActivities, systemClock } from '../activities';
import { startCluster } from '../dev/cluster';
import { startDevServer } from '../dev/devServer';
import { startSmtpSink } from '../dev/smtpSink';
import { resolveTemporalCli } from '../dev/temporalCli';
import { completeTaskUpdate } from '../domain/messages';
import type { StepPolicy } from '../domain/policy';
import { publishPolicy } from '../prisma/seed';
import { createTestDatabase } from '../test/support/database';
import { fastYouthConcernPolicy } from '../test/support/policies';
import { taskWorkflow, youthConcernCase } from '../workflows';
import { createWorker } from '../worker/createWorker';
import { createMailer } from '../worker/mailer';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { testPayloadKeys } from '../test/support/keys';
import { superuserIdentity } from '../test/support/testApp';
import { createTestIssuer } from '../test/support/tokens';
import { spawnApi } from '../test/support/workerProcess';
import { freePort } from '../dev/devServer';
import { newCaseId } from '../api/useCases/recordCase';

process.env.SAMVERKAN_LOG = 'silent';
const root = join(__dirname, '..');
const rounds = (process.env.BENCH_ROUNDS ?? '100,300,1000').split(',').map(Number);
/** Open cases added after the bursts, each step followed by a probe (measure 5). */
const grow = (process.env.BENCH_GROW ?? '2000,4000').split(',').filter(Boolean).map(Number);
const startsPerSide = Number(process.env.BENCH_STARTS ?? 800);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const completions = Number(process.env.BENCH_COMPLETIONS ?? 60);
/** Blocks of ratio 1, each four runs side by side: raw, API, API, raw. */
const startBlocks = Number(process.env.BENCH_BLOCKS ?? 5);
const warmupRounds = Number(process.env.BENCH_WARMUP ?? 1);

const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Which Temporal server the run measures: the dev server (default) or the PostgreSQL cluster. */
const target = process.env.BENCH_TARGET === 'cluster' ? 'cluster' : 'dev';
const markers = target === 'cluster' ? 'bench-cluster' : 'bench';

/** The bearer token every benchmark request carries (a test superuser). */
let bearer = '';

async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** The HTTP load generator: undici's keep-alive pool, so the client's own cost stays small beside the API's. */
let http: Pool | undefined;
async function post(port: number, path: string, body: unknown): Promise<number> {
  http ??= new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
  const res = await http.request({ path, method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body: JSON.stringify(body) });
  await res.body.dump();
  return res.statusCode;
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

/**
 * CPU seconds of the PostgreSQL server: its live processes plus, through the postmaster's
 * cutime/cstime, every backend that has exited (a closed connection takes its CPU with it otherwise).
 */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      const parentIsPostgres = readFileSync(`/proc/${fields[1]}/comm`, 'utf8').trim() === 'postgres';
      // utime + stime, and for the postmaster also its exited children's cutime + cstime.
      total += (Number(fields[11]) + Number(fields[12]) + (parentIsPostgres ? 0 : Number(fields[13]) + Number(fields[14]))) / 100;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime + stime, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    node: process.version,
  };
  progress(`machine: ${machine.cpus} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAtStart}`);
  const cliPath = await resolveTemporalCli({ log: progress });
  // BENCH_TARGET=cluster runs the same measures on a real Temporal server on PostgreSQL (dev/cluster.ts).
  const startServer = async () => {
    if (target !== 'cluster') return startDevServer({ cliPath, uiPort: false });
    const cluster = await startCluster({ postgresUrl: process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432', historyShards: 4, dbPrefix: 'samverkan_bench', log: progress });
    return { address: cluster.address, process: cluster.process, stop: () => cluster.stop({ dropDatabases: true }) };
  };
  const [server, db, smtp] = await Promise.all([startServer(), createTestDatabase('bench'), startSmtpSink({ port: 0 })]);
  const connection = await Connection.connect({ address: server.address });
  // Both sides encrypt payloads, as production does, so the ratio compares like with like.
  const client = new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(testPayloadKeys())] } });
  const policy = fastYouthConcernPolicy('bench');
  await publishPolicy(db.prisma, policy);
  const results: Record<string, unknown> = { machine };

  try {
    // 1. Start-case throughput: through the API vs bare client.workflow.start, same concurrency, no worker polling.
    const idle = 'bench-unpolled';
    // The API runs as its own process (api/main.ts), as in production: the load generator's
    // event loop is not the API's, and each side's CPU is measured apart.
    const issuer = createTestIssuer();
    bearer = `Bearer ${issuer.token(superuserIdentity('bench'))}`;
    const port = await freePort();
    const apiLog = join(os.tmpdir(), `samverkan-bench-api-${process.pid}.log`);
    const api = await spawnApi({ env: { address: server.address }, taskQueue: idle, db: { url: db.url }, issuer }, port, {
      // No worker runs here, so every case the bench starts stays "starting"; in service the worker
      // moves a case on within a second and the reconciler finds nothing. Left at its 30 s, the
      // reconciler would spend the run starting the bench's own cases again (100 per pass).
      env: { RATE_LIMIT_PER_MINUTE: '1000000000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000000', START_RECONCILE_AFTER: 'PT1H' },
      // The API process's profile covers its whole life; it is written when the process exits.
      nodeArgs: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
      // The API logs every request, as in production; to a file, as a log shipper would take it,
      // not through a pipe this process would have to read on the load generator's CPU.
      logFile: apiLog,
    });
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
    // Warm both paths (JIT, connection pools, prepared statements) before measuring. One round
    // leaves some warm-up in the first block (the API process's CPU per start goes 4.6 → 3.2 → 2.4
    // → 2.1 ms over its first four runs), but more rounds fill the dev server's store, which slows
    // it, and a slower server narrows the gap: with three rounds the blocks rose 0.75 → 0.98 within
    // one run. One round keeps the server's state comparable with earlier runs.
    for (let round = 1; round <= warmupRounds; round++) {
      progress(`start throughput: warming both paths, round ${round} of ${warmupRounds}`);
      await measureRaw();
      await measureApi();
    }
    // The server slows as its store fills (each run is several per cent slower than the one
    // before), so runs go in blocks of raw, API, API, raw: over a block the drift is the same for
    // both sides and cancels from the block's ratio, sum(API) ÷ sum(raw). Pairing single runs
    // would not cancel it: whichever side ran second would always lose.
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
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      return Number.isInteger(mid) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
    };
    results.starts = {
      apiRate: median(apiRates),
      rawRate: median(rawRates),
      // The median block: one lucky or unlucky block does not decide it.
      ratio: median(blockRatios),
      lowest: Math.min(...blockRatios),
      highest: Math.max(...blockRatios),
      blocks: blockRatios.length,
      concurrency,
      perSide: startsPerSide,
    };
    if (process.env.BENCH_ONLY === 'starts') {
      // For working on ratio 1 alone: print it, leave the README as it is.
      console.log(JSON.stringify(results.starts));
      await api.kill('SIGTERM');
      rmSync(apiLog, { force: true });
      return;
    }

    // 2, 4, 5. Escalation lateness as open cases grow, worker memory per 1,000 open cases.
    const taskQueue = 'bench';
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
    const bundlePath = join(os.tmpdir(), `samverkan-bench-${process.pid}.js`);
    writeFileSync(bundlePath, bundle.code);
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createWorker({
      payloadKeys: testPayloadKeys(),
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        prisma: db.prisma,
        mailer: createMailer({ host: smtp.host, port: smtp.port, secure: false }),
        clock: systemClock,
        config: { appBaseUrl: 'http://bench', mailFrom: 'bench <bench@samverkan.local>', timeZone: 'Europe/Stockholm' },
      }),
      workflowBundle: { codePath: bundlePath },
    });
    const running = worker.run();
    const step = (seconds: number): StepPolicy => ({
      title: 'Bench step',
      unitCode: 'soc-children-youth',
      deadline: { kind: 'span', span: { amount: Math.max(0, seconds), unit: 'seconds' } },
      reminders: [],
      escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }],
      outcomes: ['done'],
    });
    /**
     * Opens `n` tasks whose deadlines all fall at one instant (they count from the same startAt,
     * however long the worker takes to open them), then waits for their escalations.
     */
    const deadlineRound = async (prefix: string, n: number): Promise<RoundResult> => {
      const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
      await db.prisma.case.createMany({ data: ids.map((id) => ({ id, workflowId: id, caseType: 'youth-concern', policyVersion: 'bench', status: 'open' })) });
      const base = new Date();
      const target = base.getTime() + 8_000 + n * 40;
      const cpu0 = [cpuSeconds(server.process.pid!), process.cpuUsage(), postgresCpuSeconds()] as const;
      await pool(ids, 16, async (id) => {
        await client.workflow.start(taskWorkflow, {
          workflowId: `${id}.t`,
          taskQueue,
          args: [{ taskId: `${id}.t`, caseId: id, stepKey: 'protectionAssessment', step: step((target - base.getTime()) / 1000), startAt: base.toISOString(), policyVersion: 'bench', timeZone: 'Europe/Stockholm' }],
        });
      });
      progress(`${prefix}: ${n} tasks started, deadlines at +${((target - Date.now()) / 1000).toFixed(1)} s`);
      const giveUp = Date.now() + 300_000;
      for (;;) {
        const done = await db.prisma.escalation.count({ where: { caseId: { in: ids } } });
        if (done === n) break;
        if (Date.now() > giveUp) {
          // What gives out is part of the result: report the round with what was recorded.
          progress(`${prefix}: only ${done} of ${n} escalations within 5 minutes`);
          break;
        }
        await sleep(250);
      }
      const cu = process.cpuUsage(cpu0[1]);
      const rows = await db.prisma.escalation.findMany({ where: { caseId: { in: ids } }, include: { task: { select: { dueAt: true } } } });
      const lateness = rows.map((e) => e.raisedAt.getTime() - e.task.dueAt.getTime());
      const dues = rows.map((e) => e.task.dueAt.getTime());
      allTasks.push(...ids.map((id) => `${id}.t`));
      return {
        n,
        recorded: rows.length,
        p50: pct(lateness, 50),
        p99: pct(lateness, 99),
        max: Math.max(...lateness),
        spread: Math.max(...dues) - Math.min(...dues),
        cpuTemporal: cpuSeconds(server.process.pid!) - cpu0[0],
        cpuWorker: (cu.user + cu.system) / 1e6,
        cpuPostgres: postgresCpuSeconds() - cpu0[2],
      };
    };

    /** Opens `n` tasks due in a day and waits until the worker has opened them all. */
    const openQuietCases = async (prefix: string, n: number): Promise<void> => {
      const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
      await db.prisma.case.createMany({ data: ids.map((id) => ({ id, workflowId: id, caseType: 'youth-concern', policyVersion: 'bench', status: 'open' })) });
      await pool(ids, 16, async (id) => {
        await client.workflow.start(taskWorkflow, {
          workflowId: `${id}.t`,
          taskQueue,
          args: [{ taskId: `${id}.t`, caseId: id, stepKey: 'protectionAssessment', step: step(86_400), policyVersion: 'bench', timeZone: 'Europe/Stockholm' }],
        });
      });
      for (;;) {
        const opened = await db.prisma.task.count({ where: { id: { startsWith: `${prefix}-` } } });
        progress(`${prefix}: ${opened} of ${n} quiet tasks open`);
        if (opened === n) break;
        await sleep(5_000);
      }
      allTasks.push(...ids.map((id) => `${id}.t`));
    };

    let open = 0;
    const curve: CurvePoint[] = [];
    // Measured from after the idle round, so the worker's own start-up allocation is not counted.
    let rssBefore = 0;
    let openBefore = 0;
    const allTasks: string[] = [];
    // Each round: a burst of deadlines at one instant (measure 2), then, with those cases still
    // open, a probe of 10 deadlines at one instant: is the server still on time at this many open
    // cases (measure 5, and the chart)?
    for (const [r, n] of [10, ...rounds].entries()) {
      const burst = await deadlineRound(`B${r}`, n);
      open += n;
      const openAtProbe = open;
      const probe = await deadlineRound(`P${r}`, 10);
      open += 10;
      curve.push({ round: r, open: openAtProbe, burst, probe });
      progress(`round ${r}: burst of ${n} p99 ${burst.p99} ms; probe at ${openAtProbe} open cases p99 ${probe.p99} ms`);
      if (burst.recorded < n || probe.recorded < 10) {
        progress(`round ${r}: escalations missing; later rounds skipped`);
        break;
      }
      if (r === 0) {
        rssBefore = process.memoryUsage().rss;
        openBefore = open;
      }
    }
    // Then more open cases whose deadlines are a day away (they only wait), each step followed by
    // a probe: how many open cases can the server hold with deadlines still on time?
    for (const [g, n] of grow.entries()) {
      if (curve.at(-1)!.probe.p99 >= 2_000) break;
      await openQuietCases(`G${g}`, n);
      open += n;
      const openAtProbe = open;
      const probe = await deadlineRound(`Q${g}`, 10);
      open += 10;
      curve.push({ round: curve.length, open: openAtProbe, probe });
      progress(`growth ${g}: probe at ${openAtProbe} open cases p99 ${probe.p99} ms (worker RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(1)} GiB)`);
    }
    const rssAfter = process.memoryUsage().rss;
    results.curve = curve;
    results.memory = { rssBefore, rssAfter, perThousand: ((rssAfter - rssBefore) / (open - openBefore)) * 1000, open };

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
    results.completion = { apiP95: pct(apiLat, 95), rawP95: pct(rawLat, 95), ratio: pct(apiLat, 95) / pct(rawLat, 95), n: apiLat.length };
    progress(`completion p95: API ${pct(apiLat, 95).toFixed(1)} ms, bare update ${pct(rawLat, 95).toFixed(1)} ms`);

    worker.shutdown();
    await running;
    await nativeConnection.close();
    await api.kill('SIGTERM');
    // Kept only if the run failed, for looking into why.
    rmSync(apiLog, { force: true });
    results.loadAtEnd = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    writeReport(results as unknown as Report);
  } finally {
    await http?.close();
    await connection.close();
    await server.stop();
    await Promise.all([smtp.stop(), db.drop()]);
  }
}

interface RoundResult {
  n: number;
  recorded: number;
  p50: number;
  p99: number;
  max: number;
  spread: number;
  cpuTemporal: number;
  cpuWorker: number;
  /** Every PostgreSQL process: the read model, and on the cluster Temporal's own persistence too. */
  cpuPostgres: number;
}

interface CurvePoint {
  round: number;
  /** Open cases when the probe ran. */
  open: number;
  /** Absent for the growth steps, which add cases that only wait. */
  burst?: RoundResult;
  probe: RoundResult;
}

interface Report {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAtStart: string; node: string };
  loadAtEnd: string;
  starts: { apiRate: number; rawRate: number; ratio: number; lowest: number; highest: number; blocks: number; concurrency: number; perSide: number };
  curve: CurvePoint[];
  memory: { perThousand: number; open: number };
  completion: { apiP95: number; rawP95: number; ratio: number; n: number };
}

const chartName = target === 'cluster' ? 'bench-lateness-cluster.png' : 'bench-lateness.png';

/** Dev server and cluster side by side, from the last run against each (docs/bench-*.json). */
function withComparison(readme: string): string {
  const read = (t: string) => {
    try {
      return JSON.parse(readFileSync(join(root, 'docs', `bench-${t}.json`), 'utf8')) as { measured: string; load: string; rows: Array<{ m: string; ratio: string; values: string }> };
    } catch {
      return undefined;
    }
  };
  const dev = read('dev');
  const cluster = read('cluster');
  if (!dev || !cluster) return readme;
  const cell = (row?: { ratio: string; values: string }) => (row ? (row.ratio === '—' ? row.values : `**${row.ratio}** (${row.values})`) : 'not measured');
  const table = [
    '<!-- bench-compare:start (written by npm run bench from docs/bench-dev.json and docs/bench-cluster.json) -->',
    `| Measure | Temporal dev server (${dev.measured.slice(0, 16).replace('T', ' ')}, load ${dev.load}) | Temporal on PostgreSQL (${cluster.measured.slice(0, 16).replace('T', ' ')}, load ${cluster.load}) |`,
    '|---|---|---|',
    ...dev.rows.map((row, i) => `| ${row.m} | ${cell(row)} | ${cell(cluster.rows[i])} |`),
    '<!-- bench-compare:end -->',
  ].join('\n');
  const re = /<!-- bench-compare:start[\s\S]*?<!-- bench-compare:end -->/;
  return re.test(readme) ? readme.replace(re, table) : readme.replace(/<!-- bench:start/, `${table}\n\n<!-- bench:start`);
}

function writeReport(r: Report): void {
  const bursts = r.curve.filter((c): c is CurvePoint & { burst: RoundResult } => c.burst !== undefined);
  const idle = bursts[0].burst;
  const big = bursts.find((c) => c.burst.n >= 1000) ?? bursts.at(-1)!;
  const onTime = r.curve.filter((c) => c.probe.p99 < 2_000);
  const largest = onTime.length ? Math.max(...onTime.map((c) => c.open)) : 0;
  const last = r.curve.at(-1)!;
  const lastBurst = bursts.at(-1)!.burst;
  const serverName = target === 'cluster' ? 'the Temporal server' : 'the Temporal dev server';
  // What gives out first under a burst: whichever process used the most CPU through it.
  const [firstOut] = [
    [serverName, lastBurst.cpuTemporal],
    ['the worker process', lastBurst.cpuWorker],
    ['PostgreSQL', lastBurst.cpuPostgres],
  ].sort((a, b) => (b[1] as number) - (a[1] as number))[0] as [string, number];
  const rows = [
    [
      '1. API start-case ÷ raw `client.workflow.start` (throughput, concurrency ' + r.starts.concurrency + ', same call on both sides)',
      `${r.starts.ratio.toFixed(2)}`,
      `median of ${r.starts.blocks} blocks of raw, API, API, raw (range ${r.starts.lowest.toFixed(2)}–${r.starts.highest.toFixed(2)}); medians ${r.starts.apiRate.toFixed(1)} ÷ ${r.starts.rawRate.toFixed(1)} starts/s`,
    ],
    [`2. p99 escalation lateness, ${big.burst.n} deadlines at one instant ÷ ${idle.n} at one instant on an idle server`, `${(big.burst.p99 / Math.max(1, idle.p99)).toFixed(2)}`, `${big.burst.p99} ms ÷ ${idle.p99} ms (absolute p99 ${big.burst.p99} ms)`],
    ['3. p95 completing a task: API ÷ bare Temporal update', `${r.completion.ratio.toFixed(2)}`, `${r.completion.apiP95.toFixed(1)} ms ÷ ${r.completion.rawP95.toFixed(1)} ms (${r.completion.n} each)`],
    ['4. worker memory per 1,000 open cases', '—', `${(r.memory.perThousand / 2 ** 20).toFixed(1)} MiB RSS (${r.memory.open} open)`],
    ['5. largest open-case count with escalation p99 < 2 s (a probe of 10 deadlines)', '—', `${largest} (largest tried: ${last.open}); under the bursts, first to give out: ${firstOut} (most CPU through the largest burst)`],
  ];
  const curveRows = r.curve.map(
    (c) =>
      c.burst
        ? `| ${c.open} | ${c.burst.n} | ${c.burst.p50} | ${c.burst.p99} | ${c.burst.max} | ${c.probe.p99} | ${c.burst.cpuTemporal.toFixed(1)} | ${c.burst.cpuWorker.toFixed(1)} | ${c.burst.cpuPostgres.toFixed(1)} |`
        : `| ${c.open} | — (cases due in a day) | — | — | — | ${c.probe.p99} | — | — | — |`,
  );
  const section = [
    `<!-- ${markers}:start (written by npm run bench${target === 'cluster' ? ' with BENCH_TARGET=cluster' : ''}) -->`,
    `**Target: ${target === 'cluster' ? 'Temporal server 1.29.1 on PostgreSQL (dev/cluster.ts, 4 history shards)' : 'Temporal dev server (CLI v1.5.1, SQLite)'}.**`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAtStart} at the start and ${r.loadAtEnd} at the end (the machine was shared, so treat the numbers as noisy).`,
    '',
    '| Measure | Ratio | Values |',
    '|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    'Escalation lateness (deadline → escalation row recorded) as open cases grow. Each round opens a burst of tasks whose deadlines all fall at one instant, then, with those cases still open, a probe of 10 more:',
    '',
    '| open cases | deadlines in the burst | burst p50 ms | burst p99 ms | burst max ms | probe p99 ms | Temporal CPU s (burst) | worker CPU s (burst) | PostgreSQL CPU s (burst) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...curveRows,
    '',
    `![p99 escalation lateness of the probe against open cases](docs/${chartName})`,
    '',
    'The chart: x = open cases (linear), y = the probe\'s p99 lateness (0 at the bottom, the red line is 2 s).',
    `<!-- ${markers}:end -->`,
  ].join('\n');
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const re = new RegExp(`<!-- ${markers}:start[\\s\\S]*?<!-- ${markers}:end -->`);
  let updated = re.test(readme) ? readme.replace(re, section) : `${readme}\n${section}\n`;
  writeChart(r.curve.map((c) => ({ x: c.open, y: c.probe.p99 })), join(root, 'docs', chartName));
  // Keep the raw figures, so the side-by-side table can be rebuilt after either target's run.
  const summary = { measured: new Date().toISOString(), load: `${r.machine.loadAtStart} → ${r.loadAtEnd}`, rows: rows.map(([m, ratio, values]) => ({ m, ratio, values })) };
  writeFileSync(join(root, 'docs', `bench-${target}.json`), JSON.stringify(summary, null, 1));
  updated = withComparison(updated);
  writeFileSync(readmePath, updated);
  console.log(section);
}

/** A small line chart with pngjs: axes, a 2 s threshold line and the p99 points. */
function writeChart(points: Array<{ x: number; y: number }>, file: string): void {
  const w = 480;
  const h = 240;
  const m = 24;
  const png = new PNG({ width: w, height: h });
  const set = (x: number, y: number, [r, g, b]: number[]) => {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    const i = (Math.round(y) * w + Math.round(x)) * 4;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  };
  for (let i = 0; i < w * h; i++) set(i % w, Math.floor(i / w), [255, 255, 255]);
  const maxX = Math.max(...points.map((p) => p.x)) * 1.05;
  const maxY = Math.max(2_500, ...points.map((p) => p.y)) * 1.1;
  const px = (x: number) => m + (x / maxX) * (w - 2 * m);
  const py = (y: number) => h - m - (y / maxY) * (h - 2 * m);
  for (let x = m; x < w - m; x++) set(x, h - m, [0, 0, 0]);
  for (let y = m; y < h - m; y++) set(m, y, [0, 0, 0]);
  for (let x = m; x < w - m; x += 2) set(x, py(2_000), [220, 0, 0]);
  const sorted = [...points].sort((a, b) => a.x - b.x);
  for (let i = 1; i < sorted.length; i++) {
    const steps = 200;
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      set(px(sorted[i - 1].x + t * (sorted[i].x - sorted[i - 1].x)), py(sorted[i - 1].y + t * (sorted[i].y - sorted[i - 1].y)), [0, 70, 200]);
    }
  }
  for (const p of sorted) for (let dx = -3; dx <= 3; dx++) for (let dy = -3; dy <= 3; dy++) set(px(p.x) + dx, py(p.y) + dy, [0, 70, 200]);
  execSync(`mkdir -p "${join(file, '..')}"`);
  writeFileSync(file, PNG.sync.write(png));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
