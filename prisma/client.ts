// The one place the app builds a Prisma client. Prisma 7 talks to PostgreSQL through the `pg`
// driver adapter (no native query engine). Import PrismaClient's type from here, not from
// prisma/generated, so the generated path stays an implementation detail.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client';

export type { PrismaClient, Prisma };

/** `maxConnections: 1` serialises all queries, which the embedded PGlite server needs for transactions. */
export function createPrisma(databaseUrl: string, opts: { maxConnections?: number } = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      // A bounded connect wait: with the database unreachable a request fails (503) instead of hanging.
      connectionTimeoutMillis: 5_000,
      ...(opts.maxConnections ? { max: opts.maxConnections } : {}),
    }),
  });
}
