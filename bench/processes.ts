// The benchmarks' worker processes: workflow bundles, and samverkan's and the raw floor's workers spawned as their own OS processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { stopChild } from '../dev/stopChild';
import { testKeyEnv } from '../test/support/keys';
import { root } from './support';

const silentLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/** Bundles a workflows module once into a file a worker process loads (WORKFLOW_BUNDLE_PATH). */
export async function writeBundle(workflowsPath: string, name: string): Promise<string> {
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: silentLogger });
  const path = join(os.tmpdir(), `samverkan-bench-${name}-${process.pid}.js`);
  writeFileSync(path, bundle.code);
  return path;
}

export const samverkanBundle = () => writeBundle(require.resolve('../workflows'), 'samverkan');
export const rawFloorBundle = () => writeBundle(require.resolve('./rawFloor/workflows'), 'raw-floor');

export interface BenchProcess {
  child: ChildProcess;
  pid: number;
  logFile: string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Runs an entry (`worker/main.ts`, `bench/rawFloor/worker.ts`) as its own OS process, so its CPU
 * and RSS are its own. Its output goes to a file, not a pipe: over an hours-long run a pipe read
 * into this process would grow without end and cost the load generator CPU.
 */
export async function spawnEntry(entry: string, env: Record<string, string>, banner: string): Promise<BenchProcess> {
  const logFile = join(os.tmpdir(), `samverkan-bench-${entry.replace(/\W+/g, '-')}-${process.pid}-${Date.now()}.log`);
  const fd = openSync(logFile, 'a');
  // `node --import tsx`, not the tsx binary: that one forks a second process a kill would miss.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const output = () => readFileSync(logFile, 'utf8');
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (output().includes(banner)) {
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(poll);
        reject(new Error(`${entry} exited before "${banner}":\n${output()}`));
      } else if (Date.now() - started > 120_000) {
        clearInterval(poll);
        reject(new Error(`${entry} did not print "${banner}" in 120 s:\n${output()}`));
      }
    }, 200);
  });
  return {
    child,
    pid: child.pid!,
    logFile,
    kill: (signal) => stopChild(child, signal),
  };
}

export interface WorkerTarget {
  address: string;
  taskQueue: string;
  databaseUrl: string;
  smtp: { host: string; port: number };
  bundlePath: string;
  /** More environment, e.g. WORKER_MAX_CACHED_WORKFLOWS. */
  env?: Record<string, string>;
}

function workerEnv(t: WorkerTarget): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: t.taskQueue,
    DATABASE_URL: t.databaseUrl,
    ...testKeyEnv(),
    SMTP_HOST: t.smtp.host,
    SMTP_PORT: String(t.smtp.port),
    APP_BASE_URL: 'http://bench.samverkan.local',
    WORKFLOW_BUNDLE_PATH: t.bundlePath,
    // Info, as in production; the banner is an info line.
    SAMVERKAN_LOG: 'info',
    ...t.env,
  };
}

/** samverkan's own worker process (worker/main.ts), with whatever it runs beside the worker. */
export const spawnSamverkanWorker = (t: WorkerTarget) => spawnEntry('worker/main.ts', workerEnv(t), 'worker started');

/** The raw floor's worker process (bench/rawFloor/worker.ts). */
export const spawnRawWorker = (t: WorkerTarget) => spawnEntry('bench/rawFloor/worker.ts', workerEnv(t), 'raw worker started');
