import { Connection } from '@temporalio/client';
import { loadConfig, temporalConnectionOptions } from '../config';
import { log } from '../config/log';
import { createMetricsRegistry, serveMetrics } from '../config/metrics';
import { createPrisma } from '../prisma/client';
import { appFromConfig } from './appFromConfig';
import { startReconciler } from './reconciler';

/** API process entry: `node --import tsx api/main.ts`. */
async function main(): Promise<void> {
  const config = loadConfig();
  const prisma = createPrisma(config.databaseUrl);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const metrics = config.metricsPort ? await serveMetrics(createMetricsRegistry(prisma, 'api', { watchdogEveryMs: config.watchdog.everyMs }), config.metricsPort) : undefined;
  const { app, deps } = appFromConfig(config, { prisma, connection });
  const reconciler = startReconciler(deps, { olderThanMs: config.startReconcileAfterMs });
  const server = app.listen(config.port, () => log.info('api listening', { port: config.port, pid: process.pid }));
  const stop = () => {
    reconciler.stop();
    metrics?.close();
    server.close(() => {
      void Promise.all([connection.close(), prisma.$disconnect(), deps.sharedCounters?.close()]).then(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
