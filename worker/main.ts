import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, temporalConnectionOptions } from '../config';
import { log } from '../config/log';
import { createMetricsRegistry, serveMetrics } from '../config/metrics';
import { createPrisma } from '../prisma/client';
import { createWorker } from './createWorker';
import { activitiesFromConfig, outboxSenderFromConfig } from './activitiesFromConfig';
import { workerReadiness } from './readiness';

/** Worker process entry: `node --import tsx worker/main.ts`. SIGINT/SIGTERM drain it gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(config.temporal.metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.temporal.metricsPort}` } } } }
      : {}),
  });
  const prisma = createPrisma(config.databaseUrl);
  const everyMs = config.watchdog.everyMs;
  const metrics = config.metricsPort
    ? await serveMetrics(createMetricsRegistry(prisma, 'worker', { watchdogEveryMs: everyMs }), config.metricsPort, undefined, () => workerReadiness(prisma, everyMs))
    : undefined;
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // The watchdog's activities ask Temporal which workflows run: metadata only, so no codec.
  const clientConnection = await Connection.connect(temporalConnectionOptions(config));
  // Emails leave through the outbox: this process's sender claims and sends what workflows enqueued.
  const outbox = outboxSenderFromConfig(config, prisma);
  try {
    // The retention Schedule is the setup step's (prisma/setup.ts), not each replica's.
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      payloadKeys: config.crypto.payloadKeys,
      acceptUnencryptedPayloads: config.crypto.acceptUnencryptedPayloads,
      activities: activitiesFromConfig(config, prisma, new Client({ connection: clientConnection, namespace: config.temporal.namespace })),
      // A prebuilt bundle skips bundling at start (tests and the container image use one).
      workflowBundle: process.env.WORKFLOW_BUNDLE_PATH ? { codePath: process.env.WORKFLOW_BUNDLE_PATH } : undefined,
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
      stickyTimeoutMs: config.worker.stickyTimeoutMs,
    });
    log.info('worker started', {
      taskQueue: config.temporal.taskQueue,
      pid: process.pid,
      metricsPort: config.metricsPort,
      payloadKey: config.crypto.payloadKeys.currentId,
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
      stickyTimeoutMs: config.worker.stickyTimeoutMs,
    });
    await worker.run();
  } finally {
    // Sends in flight finish before the pool closes; what is not claimed waits for another sender.
    await outbox.stop();
    metrics?.close();
    await clientConnection.close();
    await connection.close();
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
