import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, ensureGoBinaries, type Log } from './goBinary';

/**
 * The Temporal server binary: deploy/temporal-server, our main over Temporal's Go module (the
 * version its go.mod pins, the one the pinned CLI embeds), with the certificate-roles claim
 * mapper. The same source builds the compose image, so the cluster phase runs what production runs.
 */
const MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_SOURCE = join(__dirname, '..', 'deploy', 'temporal-server');
const run = promisify(execFile);

/** The server version deploy/temporal-server/go.mod requires, e.g. v1.29.1. */
export const TEMPORAL_SERVER_VERSION = (() => {
  const version = /^\s*go\.temporal\.io\/server (v\d+\.\d+\.\d+)\s*$/m.exec(readFileSync(join(TEMPORAL_SERVER_SOURCE, 'go.mod'), 'utf8'))?.[1];
  if (!version) throw new Error(`${TEMPORAL_SERVER_SOURCE}/go.mod does not require ${MODULE}`);
  return version;
})();

/** A cached build is reused while the module's files are unchanged. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(TEMPORAL_SERVER_SOURCE).filter((n) => /^go\.(mod|sum)$|\.go$/.test(n)).sort()) {
    hash.update(name).update(readFileSync(join(TEMPORAL_SERVER_SOURCE, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

const GO_MISSING =
  'The Temporal server is not cached and `go` is not installed, so it cannot be built. Install Go, ' +
  'or set TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL_BIN to prebuilt binaries.';

export async function resolveTemporalServer(log: Log): Promise<{ server: string; sqlTool: string }> {
  if (process.env.TEMPORAL_SERVER_BIN && process.env.TEMPORAL_SQL_TOOL_BIN) {
    return { server: process.env.TEMPORAL_SERVER_BIN, sqlTool: process.env.TEMPORAL_SQL_TOOL_BIN };
  }
  const version = `${TEMPORAL_SERVER_VERSION}-${sourceHash()}`;
  const [server, sqlTool] = await ensureGoBinaries(
    {
      label: 'Temporal server',
      version,
      moduleDir: TEMPORAL_SERVER_SOURCE,
      binaries: [
        { pkg: '.', name: 'temporal-server', builtAs: 'temporal-server' },
        { pkg: `${MODULE}/cmd/tools/sql`, name: 'temporal-sql-tool', builtAs: 'sql' },
      ],
      cacheDir: cacheDir('temporal-server', version),
      goMissing: GO_MISSING,
    },
    log,
  );
  return { server, sqlTool };
}

/** The versioned schema SQL ships in the server's Go module; `go mod download` tells where it is. */
export async function temporalSchemaDir(): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], { cwd: tmpdir() });
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  return join(dir, 'schema', 'postgresql', 'v12');
}
