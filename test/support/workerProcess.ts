import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AuthConfig } from '../../config';
import { testKeyEnv } from './keys';
import { testWorkflowBundle } from './stack';

const root = join(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** What a worker or API process connects to; a Stack fits. */
export interface ProcessTarget {
  env: { address: string; namespace?: string };
  taskQueue: string;
  db: { url: string };
  /** The test token issuer; an API process trusts its keys. */
  issuer?: { auth: AuthConfig };
}

function spawnEntry(entry: string, target: ProcessTarget, smtp: { host: string; port: number }, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []) {
  // `node --import tsx`, not the tsx binary: that one forks a second process SIGKILL would miss.
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, entry)], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: target.env.address,
      TEMPORAL_NAMESPACE: target.env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: target.taskQueue,
      DATABASE_URL: target.db.url,
      ...testKeyEnv(),
      ...(target.issuer
        ? {
            AUTH_ISSUER: target.issuer.auth.issuer,
            AUTH_AUDIENCE: target.issuer.auth.audience,
            AUTH_PUBLIC_KEYS: JSON.stringify(target.issuer.auth.publicKeys),
          }
        : {}),
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      APP_BASE_URL: 'http://samverkan.test',
      ...(entry.startsWith('worker/') ? { WORKFLOW_BUNDLE_PATH: testWorkflowBundle().codePath } : {}),
      SAMVERKAN_LOG: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `worker/main.ts` as a real OS process against the stack, so it can be killed with SIGKILL. */
export async function spawnWorker(
  target: ProcessTarget,
  smtp: { host: string; port: number },
  extraEnv: Record<string, string> = {},
): Promise<WorkerProcess> {
  return started(spawnEntry('worker/main.ts', target, smtp, extraEnv), 'worker started');
}

/** Runs `api/main.ts` as a real OS process on `port`, so it can be killed under load and restarted there. */
export async function spawnApi(
  target: ProcessTarget,
  port: number,
  opts: { env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<WorkerProcess> {
  return started(spawnEntry('api/main.ts', target, { host: '127.0.0.1', port: 1 }, { PORT: String(port), ...opts.env }, opts.nodeArgs), 'api listening');
}

async function started(child: ChildProcess, banner: string): Promise<WorkerProcess> {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not print "${banner}" in 60 s:\n${output}`)), 60_000);
    const onData = () => {
      if (output.includes(banner)) {
        clearTimeout(timer);
        // Stop scanning: a long-running process would make every later chunk rescan all output.
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before "${banner}":\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    kill: (signal) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
