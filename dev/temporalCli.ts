// Finds (or builds once, with the Go toolchain) the Temporal CLI used for the local dev server.
// No binary is downloaded at run time: the only fallback is `go install` through the Go module proxy.
import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Pinned: v1.5.1 is the newest release `go install` accepts (later ones carry replace directives). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
const BINARY_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
const PROGRESS_EVERY_MS = 15_000;
const LOCK_POLL_MS = 1_000;
const LOCK_WAIT_LIMIT_MS = 30 * 60_000;

const GO_MISSING =
  'The Temporal CLI was not found (TEMPORAL_CLI unset, no `temporal` on PATH, nothing cached) and ' +
  '`go` is not installed, so it cannot be built. Install Go (https://go.dev/dl/) or set TEMPORAL_CLI ' +
  'to the path of a Temporal CLI binary.';

type Log = (line: string) => void;

export interface ResolveTemporalCliOptions {
  log?: Log;
}

export async function resolveTemporalCli(opts: ResolveTemporalCliOptions = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) return checkExplicitBinary(fromEnv);

  const onPath = await findOnPath(BINARY_NAME);
  if (onPath) return onPath;

  const cached = cachedCliPath();
  if (await isExecutableFile(cached)) return cached;

  return buildWithLock(cached, log);
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/samverkan/temporal-cli/<version>/temporal` */
export function cachedCliPath(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'samverkan', 'temporal-cli', TEMPORAL_CLI_VERSION, BINARY_NAME);
}

async function checkExplicitBinary(file: string): Promise<string> {
  const abs = path.resolve(file);
  try {
    const st = await fs.stat(abs);
    if (!st.isFile()) throw new Error('not a regular file');
  } catch {
    throw new Error(`TEMPORAL_CLI is set to ${abs}, but that file does not exist. Fix or unset TEMPORAL_CLI.`);
  }
  if (!(await isExecutableFile(abs))) {
    throw new Error(`TEMPORAL_CLI is set to ${abs}, but that file is not executable (chmod +x it).`);
  }
  return abs;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

// Only one process builds; others wait on the lock and then find the finished binary.
async function buildWithLock(target: string, log: Log): Promise<string> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const lockDir = `${dir}.lock`;
  const waitStart = Date.now();
  let lastNotice = 0;

  for (;;) {
    if (await tryAcquireLock(lockDir)) break;
    if (await isExecutableFile(target)) return target;
    const waited = Date.now() - waitStart;
    if (waited > LOCK_WAIT_LIMIT_MS) {
      throw new Error(`Gave up waiting for another Temporal CLI build to finish (lock ${lockDir}). Remove it if stale.`);
    }
    if (lastNotice === 0) {
      log(`another process is building the Temporal CLI ${TEMPORAL_CLI_VERSION}; waiting (lock: ${lockDir})…`);
      lastNotice = Date.now();
    } else if (Date.now() - lastNotice >= PROGRESS_EVERY_MS) {
      log(`still waiting for the Temporal CLI build… ${Math.round(waited / 1000)}s`);
      lastNotice = Date.now();
    }
    await sleep(LOCK_POLL_MS);
  }

  try {
    // Someone may have finished between our check and taking the lock.
    if (await isExecutableFile(target)) return target;
    if (!(await findOnPath('go'))) throw new Error(GO_MISSING);
    await goInstall(target, log);
    return target;
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

/** mkdir is atomic; the owner file lets a later process break the lock of a dead builder. */
async function tryAcquireLock(lockDir: string): Promise<boolean> {
  try {
    await fs.mkdir(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (await isStaleLock(lockDir)) {
      await fs.rm(lockDir, { recursive: true, force: true });
      return tryAcquireLock(lockDir);
    }
    return false;
  }
  await fs.writeFile(path.join(lockDir, 'owner'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
  return true;
}

async function isStaleLock(lockDir: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await fs.readFile(path.join(lockDir, 'owner'), 'utf8')) as { pid: number; host: string };
    if (owner.host !== os.hostname()) return false; // can't check a pid on another machine (shared home)
    return !isProcessAlive(owner.pid);
  } catch {
    // No owner file yet: the holder is between mkdir and writeFile, unless that was long ago.
    const st = await fs.stat(lockDir).catch(() => undefined);
    return st !== undefined && Date.now() - st.mtimeMs > 60_000;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Builds into a private GOBIN next to the target, then renames, so nobody ever sees a half-written binary.
async function goInstall(target: string, log: Log): Promise<void> {
  const dir = path.dirname(target);
  const tmpBin = await fs.mkdtemp(path.join(dir, '.build-'));
  const started = Date.now();
  log(`building Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (one-time, several minutes)…`);
  const ticker = setInterval(() => {
    log(`still building… ${Math.round((Date.now() - started) / 1000)}s`);
  }, PROGRESS_EVERY_MS);
  try {
    await runGo(['install', `${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`], { ...process.env, GOBIN: tmpBin }, log);
    const built = path.join(tmpBin, BINARY_NAME);
    if (!(await isExecutableFile(built))) {
      throw new Error(`go install finished but ${built} is missing`);
    }
    await fs.rename(built, target);
    log(`built Temporal CLI ${TEMPORAL_CLI_VERSION} in ${Math.round((Date.now() - started) / 1000)}s: ${target}`);
  } finally {
    clearInterval(ticker);
    await fs.rm(tmpBin, { recursive: true, force: true });
  }
}

function runGo(args: string[], env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    // cwd outside the repo so a go.work or go.mod nearby can't interfere.
    const child = spawn('go', args, { env, cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onLine = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      log(`go: ${line.replace(/^go: /, '')}`);
    };
    forwardLines(child.stdout, onLine);
    forwardLines(child.stderr, onLine);
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new Error(GO_MISSING) : err);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`go ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`));
    });
  });
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
