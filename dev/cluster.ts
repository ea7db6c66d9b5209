import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { createServer } from 'node:net';
import { cacheDir, ensureGoBinaries, type Log } from './goBinary';

/**
 * A real Temporal server (not the dev server) on PostgreSQL, on this machine: the server and its
 * SQL schema tool built from their Go modules, pinned to the server version the pinned CLI embeds,
 * schemas set up by Temporal's own tool, several history shards.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
const run = promisify(execFile);

const GO_MISSING =
  'The Temporal server is not cached and `go` is not installed, so it cannot be built. Install Go, ' +
  'or set TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL_BIN to prebuilt binaries.';

export async function resolveTemporalServer(log: Log): Promise<{ server: string; sqlTool: string }> {
  if (process.env.TEMPORAL_SERVER_BIN && process.env.TEMPORAL_SQL_TOOL_BIN) {
    return { server: process.env.TEMPORAL_SERVER_BIN, sqlTool: process.env.TEMPORAL_SQL_TOOL_BIN };
  }
  const [server, sqlTool] = await ensureGoBinaries(
    {
      label: 'Temporal server',
      version: TEMPORAL_SERVER_VERSION,
      binaries: [
        { pkg: `${MODULE}/cmd/server`, name: 'temporal-server', builtAs: 'server' },
        { pkg: `${MODULE}/cmd/tools/sql`, name: 'temporal-sql-tool', builtAs: 'sql' },
      ],
      cacheDir: cacheDir('temporal-server', TEMPORAL_SERVER_VERSION),
      goMissing: GO_MISSING,
    },
    log,
  );
  return { server, sqlTool };
}

/** The versioned schema SQL ships in the server's Go module; `go mod download` tells where it is. */
async function schemaDir(): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], { cwd: tmpdir() });
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  return join(dir, 'schema', 'postgresql', 'v12');
}

export interface ClusterOptions {
  /** A PostgreSQL server URL without database, e.g. postgresql://postgres@127.0.0.1:5432 */
  postgresUrl: string;
  historyShards?: number;
  /** Database name prefix; a random suffix keeps concurrent runs apart. */
  dbPrefix?: string;
  log?: Log;
}

export interface Cluster {
  address: string;
  namespace: string;
  databases: string[];
  process: ChildProcess;
  stop(opts?: { dropDatabases?: boolean }): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { server, sqlTool } = await resolveTemporalServer(log);
  const pg = new URL(opts.postgresUrl);
  const suffix = randomBytes(3).toString('hex');
  const mainDb = `${opts.dbPrefix ?? 'temporal'}_${suffix}`;
  const visibilityDb = `${mainDb}_visibility`;
  const shards = opts.historyShards ?? 4;
  const schemas = await schemaDir();

  const tool = async (db: string, ...args: string[]) => {
    const common = ['--plugin', 'postgres12', '--ep', pg.hostname, '-p', pg.port || '5432', '-u', decodeURIComponent(pg.username || 'postgres')];
    if (pg.password) common.push('--pw', decodeURIComponent(pg.password));
    await run(sqlTool, [...common, '--db', db, ...args]);
  };
  for (const [db, kind] of [
    [mainDb, 'temporal'],
    [visibilityDb, 'visibility'],
  ] as const) {
    log(`setting up ${kind} schema in database ${db} with temporal-sql-tool`);
    await tool(db, 'create');
    await tool(db, 'setup-schema', '-v', '0.0');
    await tool(db, 'update-schema', '-d', join(schemas, kind, 'versioned'));
  }

  const taken = new Set<number>();
  const port = () => smallFreePort(taken);
  const ports = {
    frontend: await port(),
    frontendHttp: await port(),
    frontendMembership: await port(),
    history: await port(),
    historyMembership: await port(),
    matching: await port(),
    matchingMembership: await port(),
    worker: await port(),
    workerMembership: await port(),
  };
  const root = mkdtempSync(join(tmpdir(), 'samverkan-cluster-'));
  mkdirSync(join(root, 'config'));
  writeFileSync(join(root, 'config', 'dynamicconfig.yaml'), dynamicConfig());
  writeFileSync(join(root, 'config', 'cluster.yaml'), serverConfig({ pg, mainDb, visibilityDb, shards, ports, root }));

  log(`starting Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL (${shards} history shards), frontend 127.0.0.1:${ports.frontend}`);
  const child = spawn(server, ['--root', root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (d: Buffer) => {
    tail.push(...d.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${ports.frontend}`;
  const namespace = 'default';
  try {
    await waitForNamespace(address, namespace, exited, () => tail.join('\n'));
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  log(`Temporal server ready on ${address}`);

  return {
    address,
    namespace,
    databases: [mainDb, visibilityDb],
    process: child,
    async stop({ dropDatabases = true } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
      if (dropDatabases) await dropDbs(opts.postgresUrl, [mainDb, visibilityDb]);
    },
  };
}

/** Temporal stores membership ports in a smallint column, so ephemeral ports (> 32767) fail. */
async function smallFreePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(candidate)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) {
      taken.add(candidate);
      return candidate;
    }
  }
  throw new Error('no free port found between 20000 and 32000');
}

/** A real server needs its namespace registered; the namespace cache then takes a moment to see it. */
async function waitForNamespace(address: string, namespace: string, exited: Promise<number | null>, tail: () => string) {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 120_000;
  let registered = false;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`Temporal server exited (${exitCode}) before it was ready:\n${tail()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        if (!registered) {
          await connection.workflowService
            .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') })
            .catch((err: { code?: number }) => {
              if (err.code !== 6) throw err; // ALREADY_EXISTS
            });
          registered = true;
        }
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  throw new Error(`Temporal server not ready after 120 s (${lastError}):\n${tail()}`);
}

async function dropDbs(postgresUrl: string, names: string[]): Promise<void> {
  const admin = new PgClient({ connectionString: `${postgresUrl}/postgres` });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

function dynamicConfig(): string {
  return [
    'frontend.enableUpdateWorkflowExecution:',
    '  - value: true',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted:',
    '  - value: true',
    // Test namespaces are registered and used at once; refresh the namespace cache quickly.
    'system.namespaceCacheRefreshInterval:',
    '  - value: 2s',
    '',
  ].join('\n');
}

function serverConfig(a: {
  pg: URL;
  mainDb: string;
  visibilityDb: string;
  shards: number;
  ports: Record<string, number>;
  root: string;
}): string {
  const store = (db: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "${a.pg.hostname}:${a.pg.port || '5432'}"
        connectProtocol: "tcp"
        user: "${decodeURIComponent(a.pg.username || 'postgres')}"
        password: "${decodeURIComponent(a.pg.password)}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const svc = (name: string, grpc: number, membership: number, extra = '') => `
  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${a.shards}
  datastores:
    default:${store(a.mainDb, 20)}
    visibility:${store(a.visibilityDb, 5)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:${svc('frontend', a.ports.frontend, a.ports.frontendMembership, `\n      httpPort: ${a.ports.frontendHttp}`)}${svc('history', a.ports.history, a.ports.historyMembership)}${svc('matching', a.ports.matching, a.ports.matchingMembership)}${svc('worker', a.ports.worker, a.ports.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${a.ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${join(a.root, 'config', 'dynamicconfig.yaml')}"
  pollInterval: "10s"
`;
}
