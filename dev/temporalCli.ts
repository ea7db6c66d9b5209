// Finds (or builds once, with the Go toolchain) the Temporal CLI used for the local dev server.
// No binary is downloaded at run time: the only fallback is `go install` through the Go module proxy.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cacheDir, ensureGoBinaries, findOnPath, isExecutableFile, type Log } from './goBinary';

/** Pinned: v1.5.1 is the newest release `go install` accepts (later ones carry replace directives). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const BINARY_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

const GO_MISSING =
  'The Temporal CLI was not found (TEMPORAL_CLI unset, no `temporal` on PATH, nothing cached) and ' +
  '`go` is not installed, so it cannot be built. Install Go (https://go.dev/dl/) or set TEMPORAL_CLI ' +
  'to the path of a Temporal CLI binary.';

export interface ResolveTemporalCliOptions {
  log?: Log;
}

export async function resolveTemporalCli(opts: ResolveTemporalCliOptions = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) return checkExplicitBinary(fromEnv);

  const onPath = await findOnPath(BINARY_NAME);
  if (onPath) return onPath;

  const [cli] = await ensureGoBinaries(
    {
      label: 'Temporal CLI',
      version: TEMPORAL_CLI_VERSION,
      binaries: [{ pkg: 'github.com/temporalio/cli/cmd/temporal', name: BINARY_NAME }],
      cacheDir: path.dirname(cachedCliPath()),
      goMissing: GO_MISSING,
    },
    log,
  );
  return cli;
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/samverkan/temporal-cli/<version>/temporal` */
export function cachedCliPath(): string {
  return path.join(cacheDir('temporal-cli', TEMPORAL_CLI_VERSION), BINARY_NAME);
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
