// Builds Go binaries once, with `go install` (or `go build` in a module of this repository)
// through the Go module proxy, into a cache outside the repository so later clones and CI reuse
// them. Nothing is ever downloaded prebuilt.
import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onLines } from './lines';

const PROGRESS_EVERY_MS = 15_000;
const LOCK_POLL_MS = 1_000;
const LOCK_WAIT_LIMIT_MS = 30 * 60_000;

export type Log = (line: string) => void;

export interface GoBinarySpec {
  /** For progress lines, e.g. "Temporal CLI". */
  label: string;
  version: string;
  /** Built together: same module version, one `go install` (or one `go build` in `moduleDir`). */
  binaries: Array<{ pkg: string; name: string; builtAs?: string }>;
  /** A Go module in this repository to build in, with `go build`; `version` should then name its content. */
  moduleDir?: string;
  cacheDir: string;
  goMissing: string;
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/samverkan/<parts…>` */
export function cacheDir(...parts: string[]): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'samverkan', ...parts);
}

/** Paths of the spec's binaries, building them (under a lock) when the cache lacks any. */
export async function ensureGoBinaries(spec: GoBinarySpec, log: Log): Promise<string[]> {
  const targets = spec.binaries.map((b) => path.join(spec.cacheDir, b.name));
  if (await allExecutable(targets)) return targets;
  return buildWithLock(spec, log);
}

async function allExecutable(files: string[]): Promise<boolean> {
  for (const f of files) if (!(await isExecutableFile(f))) return false;
  return true;
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function buildWithLock(spec: GoBinarySpec, log: Log): Promise<string[]> {
  const targets = spec.binaries.map((b) => path.join(spec.cacheDir, b.name));
  const target = targets[0];
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const lockDir = `${dir}.lock`;
  const waitStart = Date.now();
  let lastNotice = 0;

  for (;;) {
    if (await tryAcquireLock(lockDir)) break;
    if (await allExecutable(targets)) return targets;
    const waited = Date.now() - waitStart;
    if (waited > LOCK_WAIT_LIMIT_MS) {
      throw new Error(`Gave up waiting for another ${spec.label} build to finish (lock ${lockDir}). Remove it if stale.`);
    }
    if (lastNotice === 0) {
      log(`another process is building ${spec.label} ${spec.version}; waiting (lock: ${lockDir})…`);
      lastNotice = Date.now();
    } else if (Date.now() - lastNotice >= PROGRESS_EVERY_MS) {
      log(`still waiting for the ${spec.label} build… ${Math.round(waited / 1000)}s`);
      lastNotice = Date.now();
    }
    await sleep(LOCK_POLL_MS);
  }

  try {
    // Someone may have finished between our check and taking the lock.
    if (await allExecutable(targets)) return targets;
    if (!(await findOnPath('go'))) throw new Error(spec.goMissing);
    await goInstall(spec, log);
    return targets;
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
async function goInstall(spec: GoBinarySpec, log: Log): Promise<void> {
  const tmpBin = await fs.mkdtemp(path.join(spec.cacheDir, '.build-'));
  const started = Date.now();
  log(`building ${spec.label} ${spec.version} with go install (one-time, several minutes)…`);
  const ticker = setInterval(() => {
    log(`still building… ${Math.round((Date.now() - started) / 1000)}s`);
  }, PROGRESS_EVERY_MS);
  try {
    const args = spec.moduleDir
      ? ['build', '-trimpath', '-o', `${tmpBin}/`, ...spec.binaries.map((b) => b.pkg)]
      : ['install', ...spec.binaries.map((b) => `${b.pkg}@${spec.version}`)];
    await runGo(args, { ...process.env, GOBIN: tmpBin }, log, spec.goMissing, spec.moduleDir);
    for (const b of spec.binaries) {
      const built = path.join(tmpBin, b.builtAs ?? b.name);
      if (!(await isExecutableFile(built))) throw new Error(`go install finished but ${built} is missing`);
      await fs.rename(built, path.join(spec.cacheDir, b.name));
    }
    log(`built ${spec.label} ${spec.version} in ${Math.round((Date.now() - started) / 1000)}s: ${spec.cacheDir}`);
  } finally {
    clearInterval(ticker);
    await fs.rm(tmpBin, { recursive: true, force: true });
  }
}

function runGo(args: string[], env: NodeJS.ProcessEnv, log: Log, goMissing: string, moduleDir?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // `go install` runs outside the repo so a go.work or go.mod nearby can't interfere.
    const child = spawn('go', args, { env, cwd: moduleDir ?? os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onLine = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      log(`go: ${line.replace(/^go: /, '')}`);
    };
    onLines(child.stdout, onLine);
    onLines(child.stderr, onLine);
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new Error(goMissing) : err);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`go ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
