// npm run bench:cache: what the worker's two cache settings cost, measured on the Temporal dev
// server with the worker as its own OS process (worker/main.ts, as in production). Not part of
// npm test; a few minutes. Picks nothing itself: config/index.ts's workerDefaults cite its numbers.
//
//  1. Memory: for each cache bound (WORKER_MAX_CACHED_WORKFLOWS), open quiet cases (tasks due in a
//     day) in steps and read the worker's RSS after each step. A bounded cache should plateau.
//  2. Sticky timeout: for each WORKER_STICKY_TIMEOUT, open a burst of tasks whose deadlines fall at
//     one instant, then count WorkflowTaskTimedOut events in their histories and the p99 lateness.
//
// Sizes: CACHE_BOUNDS (numbers or "sdk", the SDK's heap-based default), CACHE_STEPS (cumulative
// open cases), STICKY_TIMEOUTS (ms), BURST, REPEAT (the machine is shared: each setting runs this
// many times, interleaved). CACHE_JSON=<file> keeps the figures; CACHE_CHART=<file.svg> draws
// worker RSS against open cases, from this run or, with CACHE_CHART_FROM=<json>, from a kept one.
// BURST_CACHE sets the burst runs' cache bound; the defaults were decided by BURST=1000 with
// BURST_CACHE=250, 2000 and sdk (a burst larger than the cache replays nearly every task).
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer } from '../dev/devServer';
import { sv } from '../domain/catalog';
import { lineChartSvg, writeSvg } from './charts';
import { startSmtpSink } from '../dev/smtpSink';
import { resolveTemporalCli } from '../dev/temporalCli';
import type { StepPolicy } from '../domain/policy';
import { publishPolicy } from '../prisma/seed';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { testPayloadKeys } from '../test/support/keys';
import { fastYouthConcernPolicy } from '../test/support/policies';
import { spawnWorker, type WorkerProcess } from '../test/support/workerProcess';
import { taskWorkflow } from '../workflows';

process.env.SAMVERKAN_LOG = 'silent';
const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const bounds = list(process.env.CACHE_BOUNDS, '250,1000,sdk');
const steps = list(process.env.CACHE_STEPS, '250,500,1000,1500').map(Number);
const stickies = list(process.env.STICKY_TIMEOUTS, '3000,10000,30000').map(Number);
const burst = Number(process.env.BURST ?? 300);
const repeat = Number(process.env.REPEAT ?? 2);
/** The cache bound of the burst runs' workers (a number or "sdk"); unset, the configured default. */
const burstCache = process.env.BURST_CACHE;

// The SDK's default bound (worker-options.js, reuseV8Context): 600 workflows per GiB of V8 heap
// above 200 MiB. The worker process has this process's heap limit (same node, no flags).
const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
const sdkDefaultBound = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);

const boundOf = (bound: string) => (bound === 'sdk' ? sdkDefaultBound : Number(bound));

const progress = (line: string) => process.stderr.write(`[cache ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const step = (seconds: number): StepPolicy => ({
  title: 'Bench step',
  unitCode: 'soc-children-youth',
  deadline: { kind: 'span', span: { amount: Math.max(0, seconds), unit: 'seconds' } },
  reminders: [],
  escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }],
  outcomes: ['done'],
});

interface Ctx {
  client: Client;
  db: TestDatabase;
  address: string;
  smtp: { host: string; port: number };
}

/** Starts `n` task workflows on `taskQueue` due `seconds` after `base`; returns their case ids. */
async function openTasks(ctx: Ctx, taskQueue: string, prefix: string, n: number, seconds: number, base: Date): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  await ctx.db.prisma.case.createMany({ data: ids.map((id) => ({ id, workflowId: id, caseType: 'youth-concern', policyVersion: 'bench', status: 'open' })) });
  await pool(ids, 16, async (id) => {
    await ctx.client.workflow.start(taskWorkflow, {
      workflowId: `${id}.t`,
      taskQueue,
      args: [{ taskId: `${id}.t`, caseId: id, stepKey: 'protectionAssessment', step: step(seconds), startAt: base.toISOString(), policyVersion: 'bench', timeZone: 'Europe/Stockholm' }],
    });
  });
  return ids;
}

async function waitOpened(ctx: Ctx, prefix: string, n: number, onWait?: () => void): Promise<void> {
  for (;;) {
    const opened = await ctx.db.prisma.task.count({ where: { id: { startsWith: `${prefix}-` } } });
    if (opened >= n) return;
    onWait?.();
    await sleep(1_000);
  }
}

async function worker(ctx: Ctx, taskQueue: string, env: Record<string, string>): Promise<WorkerProcess> {
  return spawnWorker({ env: { address: ctx.address }, taskQueue, db: { url: ctx.db.url } }, ctx.smtp, env);
}

interface MemoryRun { bound: string; cache: number; rss: Array<{ open: number; rssMiB: number; openPerSecond: number }>; load: string }

async function memoryRun(ctx: Ctx, bound: string, run: number): Promise<MemoryRun> {
  const cache = boundOf(bound);
  const queue = `cache-${bound}-${run}`;
  const w = await worker(ctx, queue, { WORKER_MAX_CACHED_WORKFLOWS: String(cache) });
  const pid = w.child.pid!;
  const rss: MemoryRun['rss'] = [];
  try {
    await sleep(2_000);
    rss.push({ open: 0, rssMiB: rssMiB(pid), openPerSecond: 0 });
    let open = 0;
    for (const [i, target] of steps.entries()) {
      const prefix = `M${run}${bound}${i}`;
      const t0 = Date.now();
      await openTasks(ctx, queue, prefix, target - open, 86_400, new Date());
      await waitOpened(ctx, prefix, target - open);
      const rate = (target - open) / ((Date.now() - t0) / 1000);
      open = target;
      await sleep(3_000); // let the last activations settle before reading memory
      rss.push({ open, rssMiB: rssMiB(pid), openPerSecond: rate });
      progress(`cache ${bound} (${cache}), run ${run}: ${open} open, worker RSS ${rss.at(-1)!.rssMiB.toFixed(0)} MiB, opened ${rate.toFixed(0)}/s, load ${load()}`);
    }
  } finally {
    await w.kill('SIGTERM');
  }
  return { bound, cache, rss, load: load() };
}

interface StickyRun { stickyMs: number; n: number; recorded: number; p50: number; p99: number; max: number; timedOut: number; scheduleToStart: number; startToClose: number; workflowsWithTimeout: number; openedLateMs: number; workerCpuS: number; workerPeakRssMiB: number; load: string }

let burstsRun = 0;

async function stickyRun(ctx: Ctx, stickyMs: number, run: number): Promise<StickyRun> {
  const seq = ++burstsRun; // the same setting may be listed twice
  const queue = `sticky-${stickyMs}-${seq}`;
  const w = await worker(ctx, queue, { WORKER_STICKY_TIMEOUT: String(stickyMs), ...(burstCache ? { WORKER_MAX_CACHED_WORKFLOWS: String(boundOf(burstCache)) } : {}) });
  const pid = w.child.pid!;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 500);
  try {
    const prefix = `S${seq}x${stickyMs}`;
    // Every deadline at one instant, with room for the worker to open them all first (the
    // openings are measured by the memory runs, not here).
    const base = new Date();
    const lead = 10_000 + burst * 120;
    const due = base.getTime() + lead;
    const cpu0 = cpuSeconds(pid);
    const ids = await openTasks(ctx, queue, prefix, burst, lead / 1000, base);
    await waitOpened(ctx, prefix, burst);
    const openedLateMs = Math.max(0, Date.now() - due);
    progress(`sticky ${stickyMs} ms, run ${run}: ${burst} tasks open ${openedLateMs ? `${openedLateMs} ms after` : `${((due - Date.now()) / 1000).toFixed(1)} s before`} the instant`);
    const giveUp = due + 300_000;
    for (;;) {
      const done = await ctx.db.prisma.escalation.count({ where: { caseId: { in: ids } } });
      if (done === burst || Date.now() > giveUp) break;
      await sleep(500);
    }
    const workerCpuS = cpuSeconds(pid) - cpu0;
    const rows = await ctx.db.prisma.escalation.findMany({ where: { caseId: { in: ids } }, include: { task: { select: { dueAt: true } } } });
    const lateness = rows.map((e) => e.raisedAt.getTime() - e.task.dueAt.getTime());
    let scheduleToStart = 0;
    let startToClose = 0;
    let workflowsWithTimeout = 0;
    const { EventType, TimeoutType } = temporal.api.enums.v1;
    await pool(ids, 8, async (id) => {
      const history = await ctx.client.workflow.getHandle(`${id}.t`).fetchHistory();
      const timeouts = (history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
      if (timeouts.length) workflowsWithTimeout++;
      for (const e of timeouts) {
        if (e.workflowTaskTimedOutEventAttributes?.timeoutType === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) scheduleToStart++;
        else startToClose++;
      }
    });
    const result: StickyRun = {
      stickyMs,
      n: burst,
      recorded: rows.length,
      p50: pct(lateness, 50),
      p99: pct(lateness, 99),
      max: Math.max(...lateness),
      timedOut: scheduleToStart + startToClose,
      scheduleToStart,
      startToClose,
      workflowsWithTimeout,
      openedLateMs,
      workerCpuS,
      workerPeakRssMiB: Math.round(peak),
      load: load(),
    };
    progress(`sticky ${stickyMs} ms, run ${run}: ${rows.length}/${burst} escalated, p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms; WorkflowTaskTimedOut ${result.timedOut} (schedule-to-start ${scheduleToStart}) in ${workflowsWithTimeout} workflows; worker CPU ${workerCpuS.toFixed(1)} s; load ${result.load}`);
    return result;
  } finally {
    clearInterval(sampler);
    await w.kill('SIGTERM');
  }
}

/** Worker RSS against open cases, one line per cache bound and run. */
async function memoryChart(file: string, memory: MemoryRun[]): Promise<void> {
  const t = sv.benchCharts;
  const runs = new Map<string, number>();
  const series = memory.map((m) => {
    const run = (runs.get(m.bound) ?? 0) + 1;
    runs.set(m.bound, run);
    const bound = m.bound === 'sdk' ? t.sdkDefaultBound(m.cache) : t.cacheBound(m.cache);
    return { name: `${bound}, ${t.run(run)}`, points: m.rss.map((r) => ({ x: r.open, y: Math.round(r.rssMiB) })) };
  });
  writeSvg(file, await lineChartSvg({ title: t.memoryTitle, xTitle: t.openCases, yTitle: t.workerRssMiB, series }));
  progress(`chart written: ${file}`);
}

async function main(): Promise<void> {
  if (process.env.CACHE_CHART_FROM) {
    const kept = JSON.parse(readFileSync(process.env.CACHE_CHART_FROM, 'utf8')) as { memory: MemoryRun[] };
    return memoryChart(process.env.CACHE_CHART ?? 'worker-cache.svg', kept.memory);
  }
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  progress(`machine: ${machine}; load ${load()}; SDK default cache bound here: ${sdkDefaultBound} (heap limit ${heapMiB.toFixed(0)} MiB); burst runs' cache bound: ${burstCache ? boundOf(burstCache) : 'the configured default'}`);
  const cliPath = await resolveTemporalCli({ log: progress });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  const bundlePath = join(os.tmpdir(), `samverkan-cache-bench-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  process.env.SAMVERKAN_TEST_WORKFLOW_BUNDLE = bundlePath; // spawnWorker hands it to the worker
  const [server, db, smtp] = await Promise.all([startDevServer({ cliPath, uiPort: false }), createTestDatabase('cachebench'), startSmtpSink({ port: 0 })]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(testPayloadKeys())] } });
  await publishPolicy(db.prisma, fastYouthConcernPolicy('bench'));
  const ctx: Ctx = { client, db, address: server.address, smtp: { host: smtp.host, port: smtp.port } };
  const memory: MemoryRun[] = [];
  const sticky: StickyRun[] = [];
  try {
    // Interleaved, so a busy minute on the shared machine does not land on one setting only.
    for (let run = 1; run <= repeat; run++) {
      for (const s of stickies) sticky.push(await stickyRun(ctx, s, run));
      for (const b of bounds) memory.push(await memoryRun(ctx, b, run));
    }
  } finally {
    await connection.close();
    await server.stop();
    await Promise.all([smtp.stop(), db.drop()]);
  }
  const lines = [
    `machine: ${machine}; load at the end ${load()}`,
    '',
    `| cache bound | run | ${['0', ...steps.map(String)].map((s) => `RSS at ${s} open (MiB)`).join(' | ')} | openings/s |`,
    `|---|---|${['0', ...steps].map(() => '---').join('|')}|---|`,
    ...memory.map((m, i) => `| ${m.bound === 'sdk' ? `SDK default (${m.cache})` : m.cache} | ${Math.floor(i / bounds.length) + 1} | ${m.rss.map((r) => r.rssMiB.toFixed(0)).join(' | ')} | ${(m.rss.slice(1).reduce((a, r) => a + r.openPerSecond, 0) / steps.length).toFixed(0)} |`),
    '',
    `| sticky timeout | run | escalated | p50 ms | p99 ms | max ms | WorkflowTaskTimedOut (schedule-to-start) | workflows with one | worker CPU s | worker peak RSS MiB | load |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...sticky.map((s, i) => `| ${s.stickyMs / 1000} s | ${Math.floor(i / stickies.length) + 1} | ${s.recorded}/${s.n} | ${s.p50} | ${s.p99} | ${s.max} | ${s.timedOut} (${s.scheduleToStart}) | ${s.workflowsWithTimeout} | ${s.workerCpuS.toFixed(1)} | ${s.workerPeakRssMiB} | ${s.load} |`),
  ];
  console.log(lines.join('\n'));
  if (process.env.CACHE_JSON) writeFileSync(process.env.CACHE_JSON, JSON.stringify({ machine, sdkDefaultBound, memory, sticky }, null, 1));
  if (process.env.CACHE_CHART && memory.length) await memoryChart(process.env.CACHE_CHART, memory);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
