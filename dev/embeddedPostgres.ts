import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';

/**
 * PostgreSQL for a laptop with none: PGlite (Postgres compiled to WebAssembly, shipped in its npm
 * package) persisted under .data/, served on a loopback port with the Postgres wire protocol so
 * Prisma's pg adapter and our migrator use it unchanged. PGlite is one database, `postgres`.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number }): Promise<EmbeddedPostgres> {
  mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: opts.dataDir });
  // PGlite runs one query at a time; the socket server queues them across connections.
  const server = new PGLiteSocketServer({ db, port: opts.port, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${opts.port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** True when a PostgreSQL server answers at this URL now. */
export async function canConnect(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    // A server that answers "no such database" is reachable: the migrator creates the database.
    return (err as { code?: string }).code === '3D000';
  } finally {
    await client.end().catch(() => undefined);
  }
}
