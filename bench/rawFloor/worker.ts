// The raw floor's worker, its own OS process (as samverkan's worker/main.ts), so CPU and RSS are
// per process. Reads the same environment names as worker/main.ts.
import { NativeConnection, Worker, DefaultLogger, Runtime } from '@temporalio/worker';
import { Pool } from 'pg';
import { createMailer, createPooledMailer } from '../../worker/mailer';
import { parseKeyring } from '../../security/keyring';
import { encryptingDataConverter } from '../../security/payloadCodec';
import { createRawFloorActivities } from './activities';

function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const pool = new Pool({ connectionString: need('DATABASE_URL'), max: 10 });
  const connection = await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') });
  const maxCached = process.env.WORKER_MAX_CACHED_WORKFLOWS ? Number(process.env.WORKER_MAX_CACHED_WORKFLOWS) : undefined;
  // The transport samverkan's outbox sends escalations over (pooled, same pool size), so the floor is
  // as strict as samverkan's own path; RAW_FLOOR_MAILER=single: a new connection per mail (createMailer).
  const smtp = { host: need('SMTP_HOST'), port: Number(need('SMTP_PORT')), secure: false };
  const mailer = process.env.RAW_FLOOR_MAILER === 'single' ? createMailer(smtp) : createPooledMailer(smtp);
  try {
    const worker = await Worker.create({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: need('TEMPORAL_TASK_QUEUE'),
      // Encrypted payloads, as on samverkan's side, so the two compare like with like.
      dataConverter: encryptingDataConverter(parseKeyring(need('PAYLOAD_KEYS'))),
      activities: createRawFloorActivities({
        pool,
        mailer,
        from: 'bench <bench@samverkan.local>',
      }),
      workflowBundle: { codePath: need('WORKFLOW_BUNDLE_PATH') },
      ...(maxCached ? { maxCachedWorkflows: maxCached } : {}),
    });
    process.stdout.write(`raw worker started ${process.pid}\n`);
    await worker.run();
  } finally {
    await connection.close();
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
