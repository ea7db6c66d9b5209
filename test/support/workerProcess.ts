import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { testKeyEnv } from './keys';
import { testWorkflowBundle, type Stack } from './stack';

const root = join(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Runs `worker/main.ts` as a real OS process against the stack, so it can be killed with SIGKILL. */
export async function spawnWorker(
  stack: Stack,
  smtp: { host: string; port: number },
  extraEnv: Record<string, string> = {},
): Promise<WorkerProcess> {
  let output = '';
  // `node --import tsx`, not the tsx binary: that one forks a second process SIGKILL would miss.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'worker', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_NAMESPACE: stack.env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DATABASE_URL: stack.db.url,
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      APP_BASE_URL: 'http://samverkan.test',
      WORKFLOW_BUNDLE_PATH: testWorkflowBundle().codePath,
      SAMVERKAN_LOG: 'info',
      ...testKeyEnv(),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 60 s:\n${output}`)), 60_000);
    const onData = () => {
      if (output.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before starting:\n${output}`));
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
