import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { migrate } from '../../prisma/migrate';
import { seed } from '../../prisma/seed';

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';

export interface TestDatabase {
  name: string;
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/** A fresh, migrated and seeded database per test file: real PostgreSQL, no sharing between files. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `samverkan_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = `${serverUrl}/${name}`;
  await migrate(url, { log: () => {} });
  const prisma = createPrisma(url);
  await seed(prisma);
  return {
    name,
    url,
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
