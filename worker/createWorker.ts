import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';
import { workerDefaults } from '../config';
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
  /** Workflows kept in memory (WORKER_MAX_CACHED_WORKFLOWS); the SDK's default grows with the heap, not with what fits. */
  maxCachedWorkflows?: number;
  /** How long a cached workflow's task waits for this worker before another takes it (WORKER_STICKY_TIMEOUT), in milliseconds. */
  stickyTimeoutMs?: number;
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    // Bounded, so memory stays flat however many cases are open; an evicted case replays its
    // (short) history when next due.
    maxCachedWorkflows: opts.maxCachedWorkflows ?? workerDefaults.maxCachedWorkflows,
    // When a worker dies, its cached cases move to another worker after this long; too short, and
    // a busy worker's own tasks time out and replay whole histories.
    stickyQueueScheduleToStartTimeout: opts.stickyTimeoutMs ?? workerDefaults.stickyTimeoutMs,
    dataConverter: encryptingDataConverter(opts.payloadKeys, { acceptUnencrypted: opts.acceptUnencryptedPayloads }),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
}
