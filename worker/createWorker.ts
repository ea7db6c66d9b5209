import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';
import type { Keyring } from '../security/keyring';
import { encryptingDataConverter } from '../security/payloadCodec';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Payload encryption keys: the first encrypts, all decrypt. */
  payloadKeys: Keyring;
  /** Accept unencrypted payloads: only to replay histories older than encryption (PAYLOAD_ACCEPT_UNENCRYPTED). */
  acceptUnencryptedPayloads?: boolean;
  /** A prebuilt bundle (tests build one for the whole run); otherwise workflows are bundled at start. */
  workflowBundle?: { codePath: string };
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    // When a worker dies, its cached cases move to another worker after this long (default 10 s).
    stickyQueueScheduleToStartTimeout: '3 seconds',
    dataConverter: encryptingDataConverter(opts.payloadKeys, { acceptUnencrypted: opts.acceptUnencryptedPayloads }),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
}
