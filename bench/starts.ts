// Measure 1 of npm run bench: starting a case through the API against the bare
// client.workflow.start it makes, side by side, in each CPU layout (bench/cpuLayout.ts).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import { join } from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { newCaseId } from '../api/useCases/recordCase';
import { startDevServer } from '../dev/devServer';
import type { PolicyDocument } from '../domain/policy';
import { youthConcernCase } from '../workflows';
import { applyLayout, canSplit, describeLayout, ownCpus, type CpuLayout } from './cpuLayout';
import type { ApiClient } from './http';
import { cpuSeconds, median, pool, postgresCpuSeconds, progress, sleep } from './support';

export interface Server {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartsSetup {
  target: 'dev' | 'cluster';
  cliPath: string;
  server: Server;
  /** The load generator's connection: it reconnects to a restarted dev server on its own. */
  connection: Connection;
  client: Client;
  policy: PolicyDocument;
  api: { http: ApiClient; pid: number; compiled: boolean };
  sizes: { perSide: number; concurrency: number; blocks: number; warmupRounds: number };
  /** The layouts to measure, in order; "split" is left out where it cannot be made. */
  layouts: CpuLayout[];
}

/** Median CPU milliseconds per start, per process, over a layout's runs. */
export interface CpuPerStart {
  raw: { temporal: number; loadGenerator: number };
  api: { temporal: number; api: number; loadGenerator: number; postgres: number };
}

export interface StartsFigures {
  layout: CpuLayout;
  placement: string;
  apiRate: number;
  rawRate: number;
  /** Median over the blocks of sum(API runs) ÷ sum(raw runs). */
  ratio: number;
  lowest: number;
  highest: number;
  blocks: number;
  cpu: CpuPerStart;
}

export interface StartsResult {
  layouts: StartsFigures[];
  concurrency: number;
  perSide: number;
  api: 'compiled' | 'source';
}

interface Run {
  rate: number;
  /** CPU ms per start of the Temporal server, the API process, the load generator and PostgreSQL. */
  cpu: { temporal: number; api: number; loadGenerator: number; postgres: number };
}

/**
 * Warms both paths, then measures each layout in blocks of raw, API, API, raw. On the dev server
 * each layout starts from an empty store (the server is started again), so neither inherits the
 * other's cases; the caller gets back the server left running.
 */
export async function measureStarts(s: StartsSetup): Promise<{ result: StartsResult; server: Server }> {
  const { perSide, concurrency } = s.sizes;
  let server = s.server;
  const cpus = ownCpus();
  const layouts = s.layouts.filter((l) => l === 'shared' || canSplit(cpus));
  if (layouts.length < s.layouts.length) progress(`start throughput: cannot split ${cpus.length} core(s) (taskset missing or one core); measuring ${layouts.join(', ') || 'nothing'}`);
  const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 15 } } };
  const items = Array.from({ length: perSide }, (_, i) => i);

  // Besides the rate, where the CPU went per start, so a gap in the ratio can be located.
  const timed = async (label: string, work: () => Promise<void>): Promise<Run> => {
    const server0 = cpuSeconds(server.process.pid!);
    const api0 = cpuSeconds(s.api.pid);
    const pg0 = postgresCpuSeconds();
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    await profiled(label, work);
    const rate = perSide / ((performance.now() - t0) / 1000);
    const own = process.cpuUsage(own0);
    const perStart = (seconds: number) => (seconds * 1000) / perSide;
    const cpu = {
      temporal: perStart(cpuSeconds(server.process.pid!) - server0),
      api: perStart(cpuSeconds(s.api.pid) - api0),
      loadGenerator: perStart((own.user + own.system) / 1e6),
      postgres: perStart(postgresCpuSeconds() - pg0),
    };
    const ms = (v: number) => v.toFixed(2);
    progress(`${label}: ${rate.toFixed(1)}/s; CPU ms per start: Temporal ${ms(cpu.temporal)}, API process ${ms(cpu.api)}, load generator ${ms(cpu.loadGenerator)}, PostgreSQL ${ms(cpu.postgres)}`);
    return { rate, cpu };
  };
  const measureApi = () =>
    timed('API', () =>
      pool(items, concurrency, async () => {
        const status = await s.api.http.post('/cases', referral);
        if (status !== 201) throw new Error(`POST /cases answered ${status}`);
      }),
    );
  const measureRaw = () =>
    timed('raw', () =>
      pool(items, concurrency, async () => {
        // The same call the API makes for this referral: same options, same input.
        const caseId = newCaseId(new Date());
        await s.client.workflow.start(youthConcernCase, {
          workflowId: caseId,
          taskQueue: idleTaskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [{ caseId, policy: s.policy, receivedAt: new Date().toISOString(), receiptStated: false, routing: { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true } }],
        });
      }),
    );
  const place = (layout: CpuLayout) => applyLayout(layout, cpus, { server: server.process.pid!, front: [process.pid, s.api.pid] });

  // Warm both paths (JIT, garbage collector sizing, connection pools, prepared statements) before
  // measuring: the API process's CPU per start kept falling for about 4,000 requests (5.2 to
  // 2.5 ms on 2026-12-02), so one round left the first blocks measuring a cold API.
  for (let round = 1; round <= s.sizes.warmupRounds; round++) {
    progress(`start throughput: warming both paths, round ${round} of ${s.sizes.warmupRounds}`);
    await measureRaw();
    await measureApi();
  }
  const figures: StartsFigures[] = [];
  try {
    for (const layout of layouts) {
      // The warm-up's (or the last layout's) cases would fill the server's store, which slows it
      // and narrows the gap; the dev server (in memory) starts again empty on the same port.
      if (s.target === 'dev') server = await restartDevServer(server, s.cliPath, s.api.http.port, s.connection);
      if (cpus.length) place(layout);
      progress(`start throughput, ${layout} layout: ${describeLayout(layout, cpus)}`);
      // The server slows as its store fills, so runs go in blocks of raw, API, API, raw: over a
      // block the drift is the same for both sides and cancels from the block's ratio.
      const api: Run[] = [];
      const raw: Run[] = [];
      const ratios: number[] = [];
      for (let block = 1; block <= s.sizes.blocks; block++) {
        const r1 = await measureRaw();
        const a1 = await measureApi();
        const a2 = await measureApi();
        const r2 = await measureRaw();
        api.push(a1, a2);
        raw.push(r1, r2);
        ratios.push((a1.rate + a2.rate) / (r1.rate + r2.rate));
        progress(`start throughput, ${layout}, block ${block} of ${s.sizes.blocks}: API ${a1.rate.toFixed(1)}, ${a2.rate.toFixed(1)}/s, raw ${r1.rate.toFixed(1)}, ${r2.rate.toFixed(1)}/s: ratio ${ratios.at(-1)!.toFixed(3)}`);
      }
      const med = (runs: Run[], k: keyof Run['cpu']) => median(runs.map((r) => r.cpu[k]));
      figures.push({
        layout,
        placement: describeLayout(layout, cpus),
        apiRate: median(api.map((r) => r.rate)),
        rawRate: median(raw.map((r) => r.rate)),
        // The median block: one lucky or unlucky block does not decide it.
        ratio: median(ratios),
        lowest: Math.min(...ratios),
        highest: Math.max(...ratios),
        blocks: ratios.length,
        cpu: {
          raw: { temporal: med(raw, 'temporal'), loadGenerator: med(raw, 'loadGenerator') },
          api: { temporal: med(api, 'temporal'), api: med(api, 'api'), loadGenerator: med(api, 'loadGenerator'), postgres: med(api, 'postgres') },
        },
      });
    }
  } finally {
    // The measures after this one run on every core.
    if (cpus.length) place('shared');
  }
  return { result: { layouts: figures, concurrency, perSide, api: s.api.compiled ? 'compiled' : 'source' }, server };
}

/** No worker polls it, so every case measure 1 starts stays "starting". */
export const idleTaskQueue = 'bench-unpolled';

/**
 * Stops the dev server and starts an empty one on its port; returns once the load generator's
 * connection and the API (its /ready asks Temporal) both reach the new one.
 */
async function restartDevServer(old: Server, cliPath: string, apiPort: number, connection: Connection): Promise<Server> {
  progress('start throughput: starting the dev server again with an empty store');
  await old.stop();
  const server = await startDevServer({ cliPath, uiPort: false, port: Number(old.address.split(':').at(-1)) });
  for (const deadline = Date.now() + 60_000; ; await sleep(250)) {
    const clientReady = await connection.workflowService.getSystemInfo({}).then(
      () => true,
      () => false,
    );
    const apiReady = await fetch(`http://127.0.0.1:${apiPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (clientReady && apiReady) return server;
    if (Date.now() > deadline) throw new Error('the load generator or the API did not reach the restarted dev server in 60 s');
  }
}

/** BENCH_PROFILE=<dir>: V8 CPU profiles of the load generator in each measured window of ratio 1 (open them in Chrome DevTools). */
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
