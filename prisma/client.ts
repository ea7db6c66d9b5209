// The one place the app builds a Prisma client. Prisma 7 talks to PostgreSQL through the `pg`
// driver adapter (no native query engine). Import PrismaClient's type from here, not from
// prisma/generated, so the generated path stays an implementation detail.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type { PrismaClient };

export function createPrisma(databaseUrl: string): PrismaClient {
  // A bounded connect wait: with the database unreachable a request fails (503) instead of hanging.
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 }) });
}
