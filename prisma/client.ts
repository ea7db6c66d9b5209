// The one place the app builds a Prisma client. Prisma 7 talks to PostgreSQL through the `pg`
// driver adapter (no native query engine). Import PrismaClient's type from here, not from
// prisma/generated, so the generated path stays an implementation detail.
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { log } from '../config/log';
import { PrismaClient, Prisma } from './generated/client';

export { PrismaClient, Prisma };

const pools = new WeakMap<PrismaClient, Pool>();

/** `maxConnections: 1` serialises all queries, which the embedded PGlite server needs for transactions. */
export function createPrisma(databaseUrl: string, opts: { maxConnections?: number } = {}): PrismaClient {
  const pool = new Pool({
    connectionString: databaseUrl,
    // A bounded connect wait: with the database unreachable a request fails (503) instead of hanging.
    connectionTimeoutMillis: 5_000,
    ...(opts.maxConnections ? { max: opts.maxConnections } : {}),
  });
  // An idle connection that the server drops (restart, failover, DROP DATABASE) emits 'error' on
  // the pool; unhandled, that would end the process. The next query simply opens a new one.
  pool.on('error', (err: Error & { code?: string }) => log.warn('database connection lost', { error: err.name, code: err.code ?? null }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  // The pool is ours (sqlPool uses it even when Prisma never connected), so $disconnect ends it.
  const disconnect = prisma.$disconnect.bind(prisma);
  prisma.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The connection pool under a client from createPrisma, for the few hot statements where Prisma's
 * query layer costs more than the work (starting a case, the audit trail): there they run as
 * named prepared statements on the same connections. Everything else goes through Prisma.
 */
export function sqlPool(prisma: PrismaClient): Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('sqlPool: this PrismaClient was not made by createPrisma');
  return pool;
}
