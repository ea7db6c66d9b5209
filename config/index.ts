// All configuration comes from the environment and is validated at start-up, so a missing or wrong variable stops the process with a message that names it.
import { readFileSync } from 'node:fs';
import { Duration } from 'luxon';
import { z } from 'zod';
import { staffSeenWithinDays } from '../domain/staffDirectory';
import { keyringSchema } from '../security/keyring';
import { isoDuration, isoOrMs, readableFile, trustProxy } from './envParts';
import { productionProblems } from './production';
import type { AppConfig, AuthConfig } from './types';

export type { AppConfig, AuthConfig, SmtpConfig, TemporalTlsConfig, TrustProxy } from './types';

/** The worker's cache bound and sticky timeout when not configured (npm run bench:cache, README "Configuration"). */
export const workerDefaults = {
  // Why 2000: a burst of 1,000 deadlines (and their cases) wants its workflows cached; evicted ones replay (worker CPU 48–64 s
  // with 2,000–2,310 cached, 76–97 s with 250). Since zod left the workflow bundle a cached workflow holds ~0.1 MiB of heap
  // (1–2 MiB before, when 2,000 filled Node's 4 GiB heap): with 2,000 the worker stayed under 1 GiB RSS through the bench's bursts.
  maxCachedWorkflows: 2000,
  // Why 10 s: with the burst cached, 3 s timed out 690 of its 1,000 workflow tasks (p99 22 s) and 10 s none (p99 8.2 s); on a saturated machine both time out.
  stickyTimeoutMs: 10_000,
} as const;

const envSchema = z.object({
  // production: every connection that leaves the host must be encrypted (config/production.ts).
  NODE_ENV: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('samverkan'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/samverkan'),
  // The migrate command's administrator connection; when its user differs from DATABASE_URL's,
  // it creates the least-privilege roles (prisma/roles.ts). Read by the setup step only.
  MIGRATE_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').optional(),
  DATABASE_OWNER_ROLE: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL role name').default('samverkan_owner'),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  // STARTTLS is then required: nodemailer refuses to send if the relay does not offer it.
  SMTP_REQUIRE_TLS: z.enum(['true', 'false']).default('false'),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  // A private CA for the relay's certificate (the system's CAs are trusted too).
  SMTP_TLS_CA_PATH: readableFile.optional(),
  MAIL_FROM: z.string().min(3).default('samverkan <no-reply@samverkan.local>'),
  APP_BASE_URL: z.url().default('http://localhost:3000'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TIME_ZONE: z.literal('Europe/Stockholm').default('Europe/Stockholm'),
  // Observability and a secured Temporal (mTLS for a self-hosted cluster, API key for Temporal Cloud).
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: readableFile.optional(),
  TEMPORAL_TLS_CERT_PATH: readableFile.optional(),
  TEMPORAL_TLS_KEY_PATH: readableFile.optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  // The setup step registers the namespace when missing, keeping closed workflows this long.
  TEMPORAL_NAMESPACE_RETENTION: isoDuration.default('P30D'),
  AUTH_ISSUER: z.string().min(1).default('https://samverkan.local/dev-issuer'),
  AUTH_AUDIENCE: z.string().min(1).default('samverkan'),
  // The staff web app signs in at AUTH_ISSUER as this OpenID Connect client (code flow with PKCE).
  WEB_OIDC_CLIENT_ID: z.string().min(1).default('samverkan-web'),
  // Unset for a public client (PKCE alone).
  WEB_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_PUBLIC_KEYS: z
    .string()
    .refine((v) => {
      try {
        return Array.isArray((JSON.parse(v) as { keys?: unknown }).keys);
      } catch {
        return false;
      }
    }, 'must be a JWKS document: {"keys":[…]}')
    .optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  TRUST_PROXY: trustProxy.default(false),
  // Unset: each API process counts rate limits in its own memory.
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must be a size such as 100kb').default('100kb'),
  // Keys are required: there is no safe default for them (npm start generates dev keys in .data/).
  PAYLOAD_KEYS: keyringSchema,
  PII_KEYS: keyringSchema,
  PII_HMAC_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length >= 32, 'must be at least 32 bytes, base64-encoded'),
  // Only to replay histories recorded before payload encryption: otherwise a clear payload is refused.
  PAYLOAD_ACCEPT_UNENCRYPTED: z.enum(['true', 'false']).default('false'),
  // The codec endpoint: operators (a verified token with the role operator) decode small batches, a few a minute.
  CODEC_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must be a size such as 256kb').default('256kb'),
  CODEC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  RETENTION_AFTER: isoDuration.default('P2Y'),
  RETENTION_EVERY: isoDuration.default('P1D'),
  START_RECONCILE_AFTER: isoDuration.default('PT30S'),
  // The watchdog (README "The watchdog"): how often it sweeps, and when a condition is a finding.
  WATCHDOG_EVERY: isoDuration.default('PT5M'),
  WATCHDOG_STARTING_AFTER: isoDuration.default('PT15M'),
  WATCHDOG_UNACKNOWLEDGED_AFTER: isoDuration.default('P3D'),
  WATCHDOG_ESCALATION_GRACE: isoDuration.default('PT2M'),
  // How long the watchdog keeps its runs and the findings it resolved (Bevakning shows them).
  WATCHDOG_KEEP_RUNS: isoDuration.default('P90D'),
  WATCHDOG_KEEP_RESOLVED: isoDuration.default('P365D'),
  // The staff directory: a person not seen (signed in) for this long is deleted by the watchdog's prune.
  STAFF_DIRECTORY_KEEP: isoDuration.default('P400D'),
  WATCHDOG_OPERATIONS_UNIT: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a unit code of the registry').default('operations'),
  // The worker's workflow cache (README "Configuration"): cases held in memory, and how long a
  // cached case's next task waits for this worker before another replays it.
  WORKER_MAX_CACHED_WORKFLOWS: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number of workflows (0 turns the cache off)')
    .transform(Number)
    .refine((n) => n === 0 || (n >= 2 && n <= 1_000_000), 'must be 0 (no cache) or from 2 to 1000000 workflows')
    .default(workerDefaults.maxCachedWorkflows),
  WORKER_STICKY_TIMEOUT: isoOrMs.default(workerDefaults.stickyTimeoutMs),
}).superRefine((e, ctx) => {
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_CERT_PATH'], message: 'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH' });
  }
  if (Boolean(e.SMTP_USER) !== Boolean(e.SMTP_PASSWORD)) {
    ctx.addIssue({ code: 'custom', path: ['SMTP_USER'], message: 'SMTP authentication needs both SMTP_USER and SMTP_PASSWORD' });
  }
  // Shorter would silently shorten the unit's people list (unit.people), which offers those seen within its window.
  if (Duration.fromISO(e.STAFF_DIRECTORY_KEEP).as('days') < staffSeenWithinDays) {
    ctx.addIssue({ code: 'custom', path: ['STAFF_DIRECTORY_KEEP'], message: `must be at least P${staffSeenWithinDays}D: a unit's people list offers those seen within ${staffSeenWithinDays} days` });
  }
  if (e.NODE_ENV === 'production') {
    for (const [variable, message] of productionProblems(e)) ctx.addIssue({ code: 'custom', path: [variable], message });
  }
});

/** Every environment variable the application reads; the compose test checks against it. */
export const configVariables = (): string[] => Object.keys(envSchema.shape);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls:
        e.TEMPORAL_TLS === 'true' || e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_API_KEY
          ? {
              serverNameOverride: e.TEMPORAL_TLS_SERVER_NAME,
              serverRootCACertificate: e.TEMPORAL_TLS_CA_PATH ? readFileSync(e.TEMPORAL_TLS_CA_PATH) : undefined,
              clientCertPair:
                e.TEMPORAL_TLS_CERT_PATH && e.TEMPORAL_TLS_KEY_PATH
                  ? { crt: readFileSync(e.TEMPORAL_TLS_CERT_PATH), key: readFileSync(e.TEMPORAL_TLS_KEY_PATH) }
                  : undefined,
            }
          : undefined,
      apiKey: e.TEMPORAL_API_KEY,
      metricsPort: e.TEMPORAL_METRICS_PORT,
      namespaceRetentionMs: Duration.fromISO(e.TEMPORAL_NAMESPACE_RETENTION).toMillis(),
    },
    metricsPort: e.METRICS_PORT,
    databaseUrl: e.DATABASE_URL,
    migrateDatabaseUrl: e.MIGRATE_DATABASE_URL,
    databaseOwnerRole: e.DATABASE_OWNER_ROLE,
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE === 'true',
      requireTls: e.SMTP_REQUIRE_TLS === 'true',
      ...(e.SMTP_USER && e.SMTP_PASSWORD ? { auth: { user: e.SMTP_USER, pass: e.SMTP_PASSWORD } } : {}),
      ...(e.SMTP_TLS_CA_PATH ? { ca: readFileSync(e.SMTP_TLS_CA_PATH) } : {}),
    },
    mailFrom: e.MAIL_FROM,
    appBaseUrl: e.APP_BASE_URL,
    port: e.PORT,
    timeZone: e.TIME_ZONE,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL,
      publicKeys: e.AUTH_PUBLIC_KEYS ? (JSON.parse(e.AUTH_PUBLIC_KEYS) as AuthConfig['publicKeys']) : undefined,
    },
    web: { clientId: e.WEB_OIDC_CLIENT_ID, clientSecret: e.WEB_OIDC_CLIENT_SECRET },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    addressRateLimitPerMinute: e.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    auditRefusalsPerAddressPerMinute: e.AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    bodyLimit: e.BODY_LIMIT,
    crypto: {
      payloadKeys: e.PAYLOAD_KEYS,
      piiKeys: e.PII_KEYS,
      piiHmacKey: Buffer.from(e.PII_HMAC_KEY, 'base64'),
      acceptUnencryptedPayloads: e.PAYLOAD_ACCEPT_UNENCRYPTED === 'true',
    },
    codec: {
      bodyLimit: e.CODEC_BODY_LIMIT,
      perMinute: e.CODEC_RATE_LIMIT_PER_MINUTE,
      corsOrigins: e.CODEC_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    },
    retention: { after: e.RETENTION_AFTER, everyMs: Duration.fromISO(e.RETENTION_EVERY).toMillis() },
    startReconcileAfterMs: Duration.fromISO(e.START_RECONCILE_AFTER).toMillis(),
    watchdog: {
      everyMs: Duration.fromISO(e.WATCHDOG_EVERY).toMillis(),
      startingAfterMs: Duration.fromISO(e.WATCHDOG_STARTING_AFTER).toMillis(),
      unacknowledgedAfterMs: Duration.fromISO(e.WATCHDOG_UNACKNOWLEDGED_AFTER).toMillis(),
      escalationGraceMs: Duration.fromISO(e.WATCHDOG_ESCALATION_GRACE).toMillis(),
      operationsUnitCode: e.WATCHDOG_OPERATIONS_UNIT,
    },
    watchdogKeep: {
      runsMs: Duration.fromISO(e.WATCHDOG_KEEP_RUNS).toMillis(),
      resolvedFindingsMs: Duration.fromISO(e.WATCHDOG_KEEP_RESOLVED).toMillis(),
      staffDirectoryMs: Duration.fromISO(e.STAFF_DIRECTORY_KEEP).toMillis(),
    },
    worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS, stickyTimeoutMs: e.WORKER_STICKY_TIMEOUT },
  };
}

/** Connection options for both the client (API) and the worker's native connection. */
export function temporalConnectionOptions(config: AppConfig) {
  return {
    address: config.temporal.address,
    ...(config.temporal.tls ? { tls: config.temporal.tls } : {}),
    ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}),
  };
}

/** For logs: the URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
