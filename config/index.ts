import { accessSync, constants, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Duration } from 'luxon';
import { z } from 'zod';
import type { WatchdogSweepInput } from '../domain/watchdog';
import { keyringSchema, type Keyring } from '../security/keyring';
import { productionProblems } from './production';

/**
 * All configuration comes from the environment and is validated at start-up, so a missing or
 * wrong variable stops the process with a message that names it.
 */
const readableFile = z.string().refine((p) => {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}, 'must be the path of a readable file');
/** One entry of TRUST_PROXY: Express's named ranges, an address, or address/prefix. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
/**
 * Express's `trust proxy`: false (the socket's peer is the client), a hop count, or the proxies'
 * addresses. `true` is refused: it would take the client's address from any X-Forwarded-For.
 */
const trustProxy = z
  .string()
  .trim()
  .refine((v) => v !== 'true' && v !== '*', 'must be a hop count or the proxies\' addresses: "true" would trust any client\'s X-Forwarded-For')
  .refine((v) => v === '' || v === 'false' || /^\d{1,2}$/.test(v) || v.split(',').every((e) => isProxyAddress(e.trim())), 'must be false, a hop count, or a comma-separated list of addresses, address/prefix, loopback, linklocal or uniquelocal')
  .transform((v): TrustProxy => (v === '' || v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim())));
export type TrustProxy = false | number | string[];

const isoDuration = z
  .string()
  .refine((s) => Duration.fromISO(s).isValid && Duration.fromISO(s).toMillis() > 0, 'must be a positive ISO-8601 duration such as P2Y or PT1H');

/** The worker's cache bound and sticky timeout when not configured (npm run bench:cache, README "Configuration"). */
export const workerDefaults = {
  // Why 2000: a burst of 1,000 deadlines (and their cases) wants its workflows cached; evicted ones replay (worker CPU 48–64 s
  // with 2,000–2,310 cached, 76–97 s with 250). Since zod left the workflow bundle a cached workflow holds ~0.1 MiB of heap
  // (1–2 MiB before, when 2,000 filled Node's 4 GiB heap): with 2,000 the worker stayed under 1 GiB RSS through the bench's bursts.
  maxCachedWorkflows: 2000,
  // Why 10 s: with the burst cached, 3 s timed out 690 of its 1,000 workflow tasks (p99 22 s) and 10 s none (p99 8.2 s); on a saturated machine both time out.
  stickyTimeoutMs: 10_000,
} as const;

/** A duration as ISO-8601 (PT10S) or as whole milliseconds (10000), in milliseconds. */
const isoOrMs = z
  .string()
  .trim()
  .refine((s) => (/^\d+$/.test(s) ? Number(s) > 0 : Duration.fromISO(s).isValid && Duration.fromISO(s).toMillis() > 0), 'must be a positive ISO-8601 duration such as PT10S, or whole milliseconds such as 10000')
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Duration.fromISO(s).toMillis()));

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
  if (e.NODE_ENV === 'production') {
    for (const [variable, message] of productionProblems(e)) ctx.addIssue({ code: 'custom', path: [variable], message });
  }
});

/** Every environment variable the application reads; the compose test checks against it. */
export const configVariables = (): string[] => Object.keys(envSchema.shape);

export interface TemporalTlsConfig {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface AppConfig {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** undefined = plain TCP (dev server, private network). */
    tls?: TemporalTlsConfig;
    apiKey?: string;
    metricsPort?: number;
    /** How long a namespace the setup step registers keeps closed workflows, in milliseconds. */
    namespaceRetentionMs: number;
  };
  metricsPort?: number;
  databaseUrl: string;
  /** Set only when the setup step should connect as an administrator and split the roles. */
  migrateDatabaseUrl?: string;
  databaseOwnerRole: string;
  smtp: SmtpConfig;
  mailFrom: string;
  appBaseUrl: string;
  port: number;
  timeZone: string;
  auth: AuthConfig;
  /** The staff web app's OpenID Connect client at the same issuer. */
  web: { clientId: string; clientSecret?: string };
  /** Requests per minute per token subject. */
  rateLimitPerMinute: number;
  /** Requests per minute per client address, counted before authentication. */
  addressRateLimitPerMinute: number;
  /** Refusals (401, 429, 413, unreadable bodies) recorded in full per address per minute; the rest are counted. */
  auditRefusalsPerAddressPerMinute: number;
  trustProxy: TrustProxy;
  /** Where the rate limits are counted for every API process; unset = in each process's memory. */
  redisUrl?: string;
  bodyLimit: string;
  crypto: {
    /** Encrypts Temporal payloads (PayloadCodec). */
    payloadKeys: Keyring;
    /** Encrypts personal data columns in PostgreSQL. */
    piiKeys: Keyring;
    /** Keyed hash of personal identity numbers, for lookup. */
    piiHmacKey: Buffer;
    /** Accept unencrypted Temporal payloads: only to replay histories older than encryption. */
    acceptUnencryptedPayloads: boolean;
  };
  codec: { bodyLimit: string; perMinute: number; corsOrigins: string[] };
  retention: {
    /** How long after closing a case its personal data is kept (ISO-8601 duration). */
    after: string;
    /** How often the retention sweep runs, in milliseconds. */
    everyMs: number;
  };
  /** How long a recorded case may stay "starting" before the API's reconciler starts it, in milliseconds. */
  startReconcileAfterMs: number;
  /** The watchdog sweep's Schedule and limits (domain/watchdog.ts), in milliseconds. */
  watchdog: WatchdogSweepInput;
  worker: {
    /** Workflows the worker keeps in memory; beyond it the least recently used is evicted and replayed when next due. */
    maxCachedWorkflows: number;
    /** How long a cached workflow's next task waits for this worker before any worker may take it (and replay it), in milliseconds. */
    stickyTimeoutMs: number;
  };
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). */
  secure: boolean;
  /** STARTTLS or no mail at all. */
  requireTls?: boolean;
  auth?: { user: string; pass: string };
  /** Extra CA certificate(s) for the relay, PEM. */
  ca?: Buffer;
}

/** Where tokens come from: an OIDC issuer, our audience, and its keys (a JWKS URL or a static JWKS). */
export interface AuthConfig {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  publicKeys?: { keys: Array<Record<string, unknown>> };
  /** How long a fetched JWKS is used (default a minute; tests shorten it). */
  jwksMaxAgeMs?: number;
}

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
