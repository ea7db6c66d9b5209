import { Client, Connection } from '@temporalio/client';
import { loadConfig, temporalConnectionOptions, type AppConfig } from '../config';
import { log } from '../config/log';
import { encryptingDataConverter } from '../security/payloadCodec';
import { ensureRetentionSchedule } from '../worker/retentionSchedule';
import { ensureWatchdogSchedule } from '../worker/watchdogSchedule';
import { ensureNamespace, whenNamespaceServed } from '../worker/temporalNamespace';
import { createPrisma } from './client';
import { migrateForApp } from './migrate';
import { seed } from './seed';

/**
 * The deployment step, run once per deploy before the workers and the API (compose's one-shot
 * `migrate` service; `npm run setup`). The database: migrated, with the least-privilege roles
 * when MIGRATE_DATABASE_URL is an administrator, and seeded. Temporal: the namespace registered
 * if missing, and the retention and watchdog Schedules created or brought up to date, here and not by every
 * worker replica at its start. Safe to run again.
 */
async function setUpDatabase(config: AppConfig): Promise<void> {
  const { applied } = await migrateForApp(
    { appUrl: config.databaseUrl, migrateUrl: config.migrateDatabaseUrl, ownerRole: config.databaseOwnerRole },
    { log: (line) => log.info(line) },
  );
  const prisma = createPrisma(config.databaseUrl);
  try {
    const seeded = await seed(prisma);
    log.info('database ready', { migrationsApplied: applied.length, units: seeded.units, policies: seeded.policies });
  } finally {
    await prisma.$disconnect();
  }
}

async function setUpTemporal(config: AppConfig): Promise<void> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const { namespace, taskQueue } = config.temporal;
    const registered = await ensureNamespace(connection, namespace, config.temporal.namespaceRetentionMs);
    const client = new Client({ connection, namespace, dataConverter: encryptingDataConverter(config.crypto.payloadKeys, { acceptUnencrypted: config.crypto.acceptUnencryptedPayloads }) });
    const scheduleId = await whenNamespaceServed(() =>
      ensureRetentionSchedule(client, { taskQueue, retainAfter: config.retention.after, everyMs: config.retention.everyMs }),
    );
    const watchdogSchedule = await ensureWatchdogSchedule(client, { taskQueue, ...config.watchdog });
    log.info('temporal ready', { namespace, namespaceRegistered: registered, retentionSchedule: scheduleId, watchdogSchedule });
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  await setUpDatabase(config);
  await setUpTemporal(config);
}

main().catch((err: unknown) => {
  log.error('setup failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
