import { Client, type Connection } from '@temporalio/client';
import type { AppConfig, AuthConfig } from '../config';
import { log } from '../config/log';
import type { PrismaClient } from '../prisma/client';
import { createFieldCrypto } from '../security/fieldCrypto';
import { AesGcmPayloadCodec } from '../security/payloadCodec';
import { createApp, type ApiDeps } from './app';
import { connectSharedCounters } from './redis';
import { webBasePath, type WebConfig } from '../web/app';
import type { OidcConfig } from '../web/oidc';

/**
 * The production wiring of the API: one place for api/main.ts and npm start. npm start passes
 * its dev-key auth and its own Web UI's origin. Callers also run startReconciler(deps, { olderThanMs: config.startReconcileAfterMs }),
 * and close deps.sharedCounters when they stop.
 */
export function appFromConfig(
  config: AppConfig,
  deps: { prisma: PrismaClient; connection: Connection; auth?: AuthConfig; extraCorsOrigins?: string[]; oidc?: Pick<OidcConfig, 'discoveryUrl' | 'prompt'> },
) {
  const codec = new AesGcmPayloadCodec(config.crypto.payloadKeys, { acceptUnencrypted: config.crypto.acceptUnencryptedPayloads });
  const temporal = new Client({ connection: deps.connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs: [codec] } });
  const apiDeps: ApiDeps = {
    temporal,
    prisma: deps.prisma,
    fieldCrypto: createFieldCrypto(config.crypto.piiKeys, config.crypto.piiHmacKey),
    sharedCounters: config.redisUrl ? connectSharedCounters(config.redisUrl) : undefined,
    config: {
      taskQueue: config.temporal.taskQueue,
      auth: deps.auth ?? config.auth,
      bodyLimit: config.bodyLimit,
      rateLimitPerMinute: config.rateLimitPerMinute,
      addressRateLimitPerMinute: config.addressRateLimitPerMinute,
      trustProxy: config.trustProxy,
      auditRefusals: { perAddress: config.auditRefusalsPerAddressPerMinute },
      codec: { codec, bodyLimit: config.codec.bodyLimit, perMinute: config.codec.perMinute, corsOrigins: [...config.codec.corsOrigins, ...(deps.extraCorsOrigins ?? [])] },
    },
  };
  log.info('rate limits', { countedIn: config.redisUrl ? 'redis, shared by every API process' : 'this process (REDIS_URL is unset)' });
  return { app: createApp(apiDeps, { web: webConfigFrom(config, apiDeps.config.auth, deps.oidc) }), temporal, deps: apiDeps };
}

/** The staff web app at `<APP_BASE_URL>/app`, signing in at the API's own issuer. */
export function webConfigFrom(config: AppConfig, auth: AuthConfig, oidc: Pick<OidcConfig, 'discoveryUrl' | 'prompt'> = {}): WebConfig {
  const appUrl = `${config.appBaseUrl.replace(/\/$/, '')}${webBasePath}`;
  return {
    basePath: webBasePath,
    secureCookies: appUrl.startsWith('https:'),
    oidc: { issuer: auth.issuer, clientId: config.web.clientId, clientSecret: config.web.clientSecret, redirectUri: `${appUrl}/auth/callback`, ...oidc },
  };
}
