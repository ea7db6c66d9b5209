// Runs `temporal server start-dev` as a child process and waits until it really serves requests.
// Used by `npm start` (persistent db file) and by fault tests that restart it on the same db and port.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { onLines } from './lines';

const HOST = '127.0.0.1';
const STDERR_TAIL_LINES = 40;

export interface DevServerOptions {
  cliPath: string;
  /** SQLite file for persistent state; omitted = in-memory, lost when the process exits. */
  dbFile?: string;
  /** Frontend gRPC port; omitted or 0 = a free port. */
  port?: number;
  /** Web UI port; omitted or 0 = a free port; false = headless. */
  uiPort?: number | false;
  namespace?: string;
  /** The Web UI's remote codec endpoint, so an operator can decode encrypted payloads there. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
  /** How long to wait for the frontend and namespace to answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** host:port of the frontend, for Connection.connect / NativeConnection.connect. */
  address: string;
  uiUrl?: string;
  /** The CLI child process (a non-enumerable property, so test failure output doesn't dump it). */
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A currently free TCP port on loopback (the usual small race: someone could grab it before we do). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const log = opts.log ?? (() => undefined);
  const namespace = opts.namespace ?? 'default';
  // 0 means "any free port", as with net.listen; we choose it here so the address is known up front.
  const port = opts.port || (await freePort());
  const uiPort = opts.uiPort === false ? undefined : opts.uiPort || (await freePort());
  const address = `${HOST}:${port}`;

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port)];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (uiPort !== undefined && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) {
    const dbFile = path.resolve(opts.dbFile);
    await fs.mkdir(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  // "default" is always created; passing it again would only duplicate it.
  if (namespace !== 'default') args.push('--namespace', namespace);
  args.push('--log-level', 'warn');

  // Otherwise readiness could be answered by whatever already holds the port, not by our child.
  await assertPortFree(port, 'frontend');
  if (uiPort !== undefined) await assertPortFree(uiPort, 'UI');

  log(`starting Temporal dev server on ${address}${opts.dbFile ? ` (db ${opts.dbFile})` : ''}`);
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrTail: string[] = [];
  // The CLI prints "Server: host:port" only once its own server has started.
  let bannerSeen!: () => void;
  const banner = new Promise<void>((resolve) => (bannerSeen = resolve));
  onLines(child.stdout, (line) => {
    if (/^Server:\s/.test(line)) bannerSeen();
    log(`[temporal] ${line}`);
  });
  onLines(child.stderr, (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    log(`[temporal] ${line}`);
  });

  // 'close' rather than 'exit': it comes after stderr is drained, so the error message has the last lines.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let stopping = false;
  // Spawn failures (ENOENT, EACCES) arrive as 'error' without 'exit'; surface them as an early exit.
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    stopping = true;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      await exited;
    } finally {
      clearTimeout(killTimer);
    }
  };

  // If our process exits without stop() (crash, process.exit), don't leave the server holding the port and db.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exited.then(({ code, signal }) => {
    process.off('exit', killOnExit);
    if (!stopping) log(`Temporal dev server exited unexpectedly (${signal ?? `exit ${code}`})`);
  });

  const describeError = (why: string) =>
    new Error(
      `Temporal dev server on ${address} ${why}.\n` +
        `command: ${opts.cliPath} ${args.join(' ')}\n` +
        `last stderr lines:\n${stderrTail.join('\n') || '(none)'}`,
    );

  const ready = waitUntilServing(address, namespace, banner, opts.startTimeoutMs ?? 60_000);
  const outcome = await Promise.race([
    ready.then(() => ({ kind: 'ready' as const })),
    exited.then((e) => ({ kind: 'exited' as const, ...e })),
    spawnError.then((err) => ({ kind: 'spawn-error' as const, err })),
  ]).catch((err: unknown) => ({ kind: 'timeout' as const, err }));
  ready.cancel();

  switch (outcome.kind) {
    case 'ready':
      log(`Temporal dev server ready on ${address}${uiPort ? `, UI http://${HOST}:${uiPort}` : ''}`);
      return makeDevServer(address, uiPort ? `http://${HOST}:${uiPort}` : undefined, child, stop);
    case 'exited':
      throw describeError(`exited before it was ready (${outcome.signal ?? `exit ${outcome.code}`})`);
    case 'spawn-error':
      throw describeError(`could not be spawned: ${outcome.err.message}`);
    case 'timeout':
      await stop();
      throw describeError(`was not ready in time: ${(outcome.err as Error).message}`);
  }
}

function makeDevServer(address: string, uiUrl: string | undefined, child: ChildProcess, stop: () => Promise<void>): DevServer {
  const server = { address, uiUrl, stop } as DevServer;
  // Non-enumerable: jest and util.inspect would otherwise walk the whole ChildProcess graph
  // (streams, sockets) when printing a server in a failed assertion, which can take minutes.
  Object.defineProperty(server, 'process', { value: child, enumerable: false });
  return server;
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`Cannot start the Temporal dev server: ${what} port ${HOST}:${port} is in use (${err.code}).`)),
    );
    srv.listen(port, HOST, () => srv.close(() => resolve()));
  });
}

type Cancellable<T> = Promise<T> & { cancel(): void };

/**
 * Waits for the CLI's banner, then retries connect + describeNamespace until both succeed:
 * the port opens before the namespace is usable.
 */
function waitUntilServing(address: string, namespace: string, banner: Promise<void>, timeoutMs: number): Cancellable<void> {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  // Cancelling must also end the banner wait, or its timer would keep the process alive.
  const cancelledSignal = new Promise<void>((resolve) => (wake = resolve));
  const run = async () => {
    const deadline = Date.now() + timeoutMs;
    const tooLate = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms before the CLI printed its "Server:" line`)),
        timeoutMs,
      );
    });
    await Promise.race([banner, tooLate, cancelledSignal]);
    clearTimeout(timer);
    let lastError: unknown;
    while (!cancelled) {
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms; last error: ${String((lastError as Error)?.message ?? lastError)}`);
      }
      let connection: Connection | undefined;
      try {
        connection = await Connection.connect({ address, connectTimeout: 2_000 });
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (err) {
        lastError = err;
      } finally {
        await connection?.close().catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const promise = run() as Cancellable<void>;
  promise.cancel = () => {
    cancelled = true;
    clearTimeout(timer);
    wake();
  };
  // The caller's race observes the result; this keeps a late rejection from going unhandled.
  promise.catch(() => undefined);
  return promise;
}
