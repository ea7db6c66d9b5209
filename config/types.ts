// The shape of the loaded configuration (loadConfig in config/index.ts), kept apart so its many importers read types only.
import type { WatchdogSweepInput } from '../domain/watchdog';
import type { Keyring } from '../security/keyring';

export type TrustProxy = false | number | string[];

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
  /** How long the watchdog's prune keeps its runs, the findings it resolved, and staff directory people not seen since, in milliseconds. */
  watchdogKeep: { runsMs: number; resolvedFindingsMs: number; staffDirectoryMs: number };
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
