import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { migrateForApp } from '../../prisma/migrate';
import { seed } from '../../prisma/seed';

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** What the app logs in as in tests: made by the migrate command, no superuser, owns nothing. */
export const TEST_APP_ROLE = 'samverkan_app';

export interface TestDatabase {
  name: string;
  /** The app's connection: the least-privilege app role, as in production. */
  url: string;
  /** The server's administrator (the PostgreSQL superuser), for what only a test may do. */
  adminUrl: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/** The app role's URL on the test server (trust authentication: no password). */
function appUrlFor(database: string): string {
  const url = new URL(`${serverUrl}/${database}`);
  url.username = TEST_APP_ROLE;
  url.password = '';
  return url.toString();
}

/**
 * A fresh, migrated and seeded database per test file: real PostgreSQL, no sharing between files.
 * Migrated by the superuser with the production role split, so every test runs the app as the
 * app role.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `samverkan_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const adminUrl = `${serverUrl}/${name}`;
  const url = appUrlFor(name);
  await migrateForApp({ appUrl: url, migrateUrl: adminUrl }, { log: () => {} });
  const prisma = createPrisma(url);
  await seed(prisma);
  return {
    name,
    url,
    adminUrl,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const admin = new Client({ connectionString: `${serverUrl}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
