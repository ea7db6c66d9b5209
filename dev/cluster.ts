import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection, type TLSConfig } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createServer } from 'node:net';
import { dynamicConfig, plainServerConfig, productionConfig, type ClusterPorts } from './clusterConfig';
import type { Log } from './goBinary';
import { ensureNamespace } from '../worker/temporalNamespace';
import { resolveTemporalServer, temporalSchemaDir, TEMPORAL_SERVER_VERSION } from './temporalServerBinary';

/**
 * A real Temporal server (not the dev server) on PostgreSQL, on this machine: the server and its
 * SQL schema tool built from deploy/temporal-server (temporalServerBinary.ts), schemas set up by
 * Temporal's own tool, several history shards. With `tls`, it runs the production config: mTLS
 * on the frontend and only the certificates named in `tls.roles` may act.
 */
const run = promisify(execFile);

export interface ClusterOptions {
  /** A PostgreSQL server URL without database, e.g. postgresql://postgres@127.0.0.1:5432 */
  postgresUrl: string;
  historyShards?: number;
  /**
   * Reuse the databases an earlier cluster kept (`stop({ dropDatabases: false })`), named by their
   * main database, instead of creating fresh ones: its workflows run on. Same `historyShards`.
   */
  reuseDatabase?: string;
  /** Database name prefix; a random suffix keeps concurrent runs apart. */
  dbPrefix?: string;
  log?: Log;
  /** Start with deploy/temporal-server/config/production.yaml: mTLS and the certificate-roles claim mapper. */
  tls?: ClusterTls;
}

export interface ClusterTls {
  /** Holds server-ca.pem, server.pem, server.key and client-ca.pem (dev/temporalPki.ts writes such a set). */
  dir: string;
  /** SAMVERKAN_TEMPORAL_ROLES: which client certificate may do what. */
  roles: string;
  /** How this process connects to register the namespace: a client certificate with admin on it. */
  client: TLSConfig;
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
  const mainDb = opts.reuseDatabase ?? `${opts.dbPrefix ?? 'temporal'}_${suffix}`;
  const visibilityDb = `${mainDb}_visibility`;
  const shards = opts.historyShards ?? 4;
  const schemas = await temporalSchemaDir();

  const tool = async (db: string, ...args: string[]) => {
    const common = ['--plugin', 'postgres12', '--ep', pg.hostname, '-p', pg.port || '5432', '-u', decodeURIComponent(pg.username || 'postgres')];
    if (pg.password) common.push('--pw', decodeURIComponent(pg.password));
    await run(sqlTool, [...common, '--db', db, ...args]);
  };
  // Reused databases hold their schemas already.
  const fresh = [
    [mainDb, 'temporal'],
    [visibilityDb, 'visibility'],
  ] as const;
  for (const [db, kind] of opts.reuseDatabase ? [] : fresh) {
    log(`setting up ${kind} schema in database ${db} with temporal-sql-tool`);
    await tool(db, 'create');
    await tool(db, 'setup-schema', '-v', '0.0');
    await tool(db, 'update-schema', '-d', join(schemas, kind, 'versioned'));
  }

  const taken = new Set<number>();
  const port = () => smallFreePort(taken);
  const ports: ClusterPorts = {
    frontend: await port(),
    frontendHttp: await port(),
    frontendMembership: await port(),
    internalFrontend: await port(),
    internalFrontendHttp: await port(),
    internalFrontendMembership: await port(),
    history: await port(),
    historyMembership: await port(),
    matching: await port(),
    matchingMembership: await port(),
    worker: await port(),
    workerMembership: await port(),
  };
  const root = mkdtempSync(join(tmpdir(), 'samverkan-cluster-'));
  mkdirSync(join(root, 'config'));
  const dynamicConfigFile = join(root, 'config', 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, dynamicConfig());
  const store = { pg, mainDb, visibilityDb, shards };
  let args: string[];
  let env: NodeJS.ProcessEnv = process.env;
  if (opts.tls) {
    const production = productionConfig({ ...store, ports, tlsDir: opts.tls.dir, roles: opts.tls.roles, dynamicConfigFile });
    args = ['--root', production.root, '--config', 'config', '--env', 'production', 'start'];
    env = { ...process.env, ...production.env };
  } else {
    writeFileSync(join(root, 'config', 'cluster.yaml'), plainServerConfig({ ...store, ports, root }));
    args = ['--root', root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'];
  }

  log(`starting Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL (${shards} history shards${opts.tls ? ', mTLS' : ''}), frontend 127.0.0.1:${ports.frontend}`);
  const child = spawn(server, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    await waitForNamespace({ address, ...(opts.tls ? { tls: opts.tls.client } : {}) }, namespace, exited, () => tail.join('\n'));
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
async function waitForNamespace(
  target: { address: string; tls?: TLSConfig },
  namespace: string,
  exited: Promise<number | null>,
  tail: () => string,
) {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 120_000;
  let registered = false;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`Temporal server exited (${exitCode}) before it was ready:\n${tail()}`);
    try {
      const connection = await Connection.connect({ ...target, connectTimeout: 2_000 });
      try {
        if (!registered) {
          await ensureNamespace(connection, namespace, 3 * 86_400_000);
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
