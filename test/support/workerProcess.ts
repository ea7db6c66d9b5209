import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthConfig } from '../../config';
import { stopChild } from '../../dev/stopChild';
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

function spawnEntry(
  entry: string,
  target: ProcessTarget,
  smtp: { host: string; port: number },
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
  logFd?: number,
) {
  // `node --import tsx`, not the tsx binary: that one forks a second process SIGKILL would miss.
  // An entry already compiled to JavaScript (an absolute path) runs with plain node, as the image runs it.
  const args = entry.endsWith('.js') ? [entry] : ['--import', 'tsx', join(root, entry)];
  return spawn(process.execPath, [...nodeArgs, ...args], {
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
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
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

/** Runs the setup step (`prisma/setup.ts`) as a process to its end, as the administrator when `adminUrl` is given. */
export async function runSetup(target: ProcessTarget & { db: { adminUrl?: string } }, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawnEntry('prisma/setup.ts', target, { host: '127.0.0.1', port: 1 }, {
    ...(target.db.adminUrl ? { MIGRATE_DATABASE_URL: target.db.adminUrl } : {}),
    ...extraEnv,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

/**
 * Runs `api/main.ts` as a real OS process on `port`, so it can be killed under load and restarted
 * there; with `compiledEntry`, that file compiled to JavaScript (bench/apiBuild.ts). With `logFile` its output goes to that file instead of a pipe to this process: the
 * benchmark uses it so the load generator does not spend its own CPU reading the API's request log.
 */
export async function spawnApi(
  target: ProcessTarget,
  port: number,
  opts: { env?: Record<string, string>; nodeArgs?: string[]; logFile?: string; compiledEntry?: string } = {},
): Promise<WorkerProcess> {
  const { logFile } = opts;
  const fd = logFile ? openSync(logFile, 'a') : undefined;
  try {
    const child = spawnEntry(opts.compiledEntry ?? 'api/main.ts', target, { host: '127.0.0.1', port: 1 }, { PORT: String(port), ...opts.env }, opts.nodeArgs, fd);
    return await started(child, 'api listening', logFile ? () => readFileSync(logFile, 'utf8') : undefined);
  } finally {
    if (fd !== undefined) closeSync(fd); // the child holds its own copy
  }
}

/**
 * Waits for `banner` in the child's output: read from its pipes, or with `readLog`, from the file
 * its output goes to (polled, since a file has no data events).
 */
async function started(child: ChildProcess, banner: string, readLog?: () => string): Promise<WorkerProcess> {
  let piped = '';
  child.stdout?.on('data', (d: Buffer) => (piped += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (piped += d.toString()));
  const output = readLog ?? (() => piped);
  await new Promise<void>((resolve, reject) => {
    let poll: NodeJS.Timeout | undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.stdout?.off('data', check);
      child.off('exit', exited);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`process did not print "${banner}" in 60 s:\n${output()}`)), 60_000);
    // Stops once the banner is seen: a long-running process would make every later chunk rescan all output.
    const check = () => {
      if (output().includes(banner)) done();
    };
    const exited = (code: number | null) => done(new Error(`process exited with ${code} before "${banner}":\n${output()}`));
    if (readLog) poll = setInterval(check, 100);
    else child.stdout?.on('data', check);
    child.once('exit', exited);
  });
  return {
    child,
    output,
    kill: (signal) => stopChild(child, signal),
  };
}
