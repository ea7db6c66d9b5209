import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { roles } from '../../domain/auth';
import type { PrismaClient } from '../../prisma/client';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { testFieldCrypto, testPayloadKeys } from './keys';
import { authedAgent } from './stack';
import { createTestIssuer, type Identity } from './tokens';

const seededUnits = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'prisma', 'seed', 'registry.json'), 'utf8')) as {
  units: Array<{ code: string }>;
}).units.map((u) => u.code);

/** A caller with every role in every seeded unit, for tests and the benchmark that are not about access control. */
export function superuserIdentity(sub = 'test-superuser'): Identity {
  return { sub, roles: [...roles], units: seededUnits, supervisedUnits: seededUnits };
}

/**
 * The real app for tests that wire their own Temporal connection or database (fault tests, the
 * benchmark): the test keys, a test token issuer, and a superuser agent so access control does not
 * get in the way of what the test is about.
 */
export function authedTestApp(opts: { connection: Connection; namespace?: string; prisma: PrismaClient; taskQueue: string }) {
  const issuer = createTestIssuer();
  const temporal = new Client({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(testPayloadKeys())] },
  });
  const app = createApp({
    temporal,
    prisma: opts.prisma,
    fieldCrypto: testFieldCrypto(),
    config: { taskQueue: opts.taskQueue, auth: issuer.auth, rateLimitPerMinute: 1_000_000, addressRateLimitPerMinute: 1_000_000 },
  });
  const superuser = superuserIdentity();
  return { app, issuer, temporal, api: authedAgent(app, issuer, superuser), token: issuer.token(superuser) };
}
