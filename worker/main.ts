import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities, systemClock } from '../activities';
import { loadConfig } from '../config';
import { createPrisma } from '../prisma/client';
import { encryptingDataConverter } from '../security/payloadCodec';
import { createWorker } from './createWorker';
import { createMailer } from './mailer';
import { ensureRetentionSchedule } from './retentionSchedule';

/** Worker process entry: `tsx worker/main.ts`. SIGINT/SIGTERM drain it gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  const prisma = createPrisma(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({
      connection: clientConnection,
      namespace: config.temporal.namespace,
      dataConverter: encryptingDataConverter(config.crypto.payloadKeys),
    });
    await ensureRetentionSchedule(client, {
      taskQueue: config.temporal.taskQueue,
      retainAfter: config.retention.after,
      everyMs: config.retention.everyMs,
    });
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      payloadKeys: config.crypto.payloadKeys,
      activities: createActivities({
        prisma,
        mailer: createMailer(config.smtp),
        clock: systemClock,
        config: { appBaseUrl: config.appBaseUrl, mailFrom: config.mailFrom, timeZone: config.timeZone },
      }),
      // A prebuilt bundle skips bundling at start (tests and the container image use one).
      workflowBundle: process.env.WORKFLOW_BUNDLE_PATH ? { codePath: process.env.WORKFLOW_BUNDLE_PATH } : undefined,
    });
    console.log(
      JSON.stringify({ level: 'info', msg: 'worker started', taskQueue: config.temporal.taskQueue, payloadKey: config.crypto.payloadKeys.currentId }),
    );
    await worker.run();
  } finally {
    await connection.close();
    await clientConnection.close();
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
