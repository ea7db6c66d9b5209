import type { Worker } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { createWorker } from '../../worker/createWorker';
import { createMailer } from '../../worker/mailer';
import { appBaseUrl, testWorkflowBundle, type Stack } from './stack';

export interface WatchdogWorker {
  /** The queue the sweep runs on: `<the stack's queue>-watchdog`. */
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A worker for the watchdog's sweep on a queue of its own, as in production, with a Temporal client
 * for its visibility checks (the stack's case worker has none), so a test can stop the cases'
 * worker and still be watched.
 */
export async function startWatchdogWorker(stack: Stack): Promise<WatchdogWorker> {
  const taskQueue = `${stack.taskQueue}-watchdog`;
  const worker: Worker = await createWorker({
    connection: stack.env.nativeConnection,
    namespace: stack.env.namespace ?? 'default',
    taskQueue,
    payloadKeys: stack.payloadKeys,
    activities: createActivities({
      prisma: stack.db.prisma,
      mailer: createMailer({ host: stack.smtp.host, port: stack.smtp.port, secure: false }),
      clock: systemClock,
      temporal: stack.env.client,
      config: { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
    }),
    workflowBundle: testWorkflowBundle(),
  });
  const running = worker.run();
  return {
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
    },
  };
}
