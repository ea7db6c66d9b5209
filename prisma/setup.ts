import { loadConfig } from '../config';
import { log } from '../config/log';
import { createPrisma } from './client';
import { migrate } from './migrate';
import { seed } from './seed';

/** Deployment step: migrate, then load the registry and default policies. Safe to run again. */
async function main(): Promise<void> {
  const { databaseUrl } = loadConfig();
  const { applied } = await migrate(databaseUrl, { log: (line) => log.info(line) });
  const prisma = createPrisma(databaseUrl);
  try {
    const seeded = await seed(prisma);
    log.info('database ready', { migrationsApplied: applied.length, units: seeded.units, policies: seeded.policies });
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  log.error('database setup failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
