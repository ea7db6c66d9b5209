import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { log } from '../config/log';
import { createPrisma } from '../prisma/client';
import { createFieldCrypto } from '../security/fieldCrypto';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { createApp } from './app';

/** API process entry: `tsx api/main.ts`. */
async function main(): Promise<void> {
  const config = loadConfig();
  const prisma = createPrisma(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporal.address });
  const codec = new AesGcmPayloadCodec(config.crypto.payloadKeys);
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs: [codec] } });
  const app = createApp({
    temporal,
    prisma,
    fieldCrypto: createFieldCrypto(config.crypto.piiKeys, config.crypto.piiHmacKey),
    config: {
      taskQueue: config.temporal.taskQueue,
      codec: { codec, operatorTokenSha256: config.codec.operatorTokenSha256, corsOrigins: config.codec.corsOrigins },
    },
  });
  const server = app.listen(config.port, () => log.info('api listening', { port: config.port }));
  const stop = () => {
    server.close(() => {
      void Promise.all([connection.close(), prisma.$disconnect()]).then(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
