import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../dev/devServer';

const root = join(__dirname, '..', '..');

export interface RunningStart {
  ports: { api: number; temporal: number; ui: number; mailbox: number; smtp: number; pg: number; oidc: number };
  /** Everything it printed so far. */
  output(): string;
  /** Ctrl-C, as a person stops it; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * `npm start`'s program (dev/start.ts) on free ports, with its own Temporal dev server and mailbox,
 * as a newcomer runs it; resolves once it says it is running. `env` is the whole environment.
 */
export async function startNpmStart(env: (ports: RunningStart['ports']) => NodeJS.ProcessEnv, upWithinMs = 120_000): Promise<RunningStart> {
  // A port found free can be taken before npm start binds it, seconds later (by the Temporal dev
  // server's own random ports, or another test file's processes): then it starts again on other
  // ports, as a person would. Any other failure is the test's.
  for (let attempt = 1; ; attempt++) {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), mailbox: await freePort(), smtp: await freePort(), pg: await freePort(), oidc: await freePort() };
    try {
      return await startOn(ports, env, upWithinMs);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startOn(ports: RunningStart['ports'], env: (ports: RunningStart['ports']) => NodeJS.ProcessEnv, upWithinMs: number): Promise<RunningStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'dev', 'start.ts')], {
    cwd: root,
    env: {
      ...env(ports),
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      MAILBOX_PORT: String(ports.mailbox),
      SMTP_PORT: String(ports.smtp),
      EMBEDDED_PG_PORT: String(ports.pg),
      OIDC_DEV_PORT: String(ports.oidc),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running: RunningStart = {
    ports,
    output: () => output,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
  const deadline = Date.now() + upWithinMs;
  while (!output.includes('samverkan is running')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const exitedEarly = child.exitCode !== null;
      await running.stop();
      const message = `npm start ${exitedEarly ? 'exited early' : `not up in ${upWithinMs / 1000} s`}:\n${output}`;
      throw exitedEarly && output.includes('EADDRINUSE') ? new PortTaken(message) : new Error(message);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return running;
}
