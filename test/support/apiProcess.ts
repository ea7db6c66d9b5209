import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../dev/devServer';
import { testKeyEnv } from './keys';
import type { Stack } from './stack';

const root = join(__dirname, '..', '..');

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Runs `api/main.ts` as a real OS process against the stack's Temporal and database. */
export async function spawnApi(stack: Stack): Promise<ApiProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'api', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_NAMESPACE: stack.env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DATABASE_URL: stack.db.url,
      PORT: String(port),
      SAMVERKAN_LOG: 'info',
      ...testKeyEnv(),
      AUTH_ISSUER: stack.issuer.auth.issuer,
      AUTH_AUDIENCE: stack.issuer.auth.audience,
      AUTH_PUBLIC_KEYS: JSON.stringify(stack.issuer.auth.publicKeys),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode} before it was ready:\n${output}`);
    const ready = await fetch(`${url}/ready`).then((r) => r.ok).catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`api not ready in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    url,
    kill: (signal) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
