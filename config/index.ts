import { Duration } from 'luxon';
import { z } from 'zod';
import { keyringSchema, type Keyring } from '../security/keyring';

/**
 * All configuration comes from the environment and is validated at start-up, so a missing or
 * wrong variable stops the process with a message that names it.
 */
const isoDuration = z
  .string()
  .refine((s) => Duration.fromISO(s).isValid && Duration.fromISO(s).toMillis() > 0, 'must be a positive ISO-8601 duration such as P2Y or PT1H');

const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('samverkan'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/samverkan'),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  MAIL_FROM: z.string().min(3).default('samverkan <no-reply@samverkan.local>'),
  APP_BASE_URL: z.url().default('http://localhost:3000'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TIME_ZONE: z.literal('Europe/Stockholm').default('Europe/Stockholm'),
  // Keys are required: there is no safe default for them (npm start generates dev keys in .data/).
  PAYLOAD_KEYS: keyringSchema,
  PII_KEYS: keyringSchema,
  PII_HMAC_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length >= 32, 'must be at least 32 bytes, base64-encoded'),
  CODEC_OPERATOR_TOKEN_SHA256: z
    .string()
    .regex(/^([0-9a-f]{64})?$/, 'must be the hex SHA-256 of the operator token')
    .optional(),
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  RETENTION_AFTER: isoDuration.default('P2Y'),
  RETENTION_EVERY: isoDuration.default('P1D'),
});

export interface AppConfig {
  temporal: { address: string; namespace: string; taskQueue: string };
  databaseUrl: string;
  smtp: { host: string; port: number; secure: boolean };
  mailFrom: string;
  appBaseUrl: string;
  port: number;
  timeZone: string;
  crypto: {
    /** Encrypts Temporal payloads (PayloadCodec). */
    payloadKeys: Keyring;
    /** Encrypts personal data columns in PostgreSQL. */
    piiKeys: Keyring;
    /** Keyed hash of personal identity numbers, for lookup. */
    piiHmacKey: Buffer;
  };
  codec: { operatorTokenSha256?: string; corsOrigins: string[] };
  retention: {
    /** How long after closing a case its personal data is kept (ISO-8601 duration). */
    after: string;
    /** How often the retention sweep runs, in milliseconds. */
    everyMs: number;
  };
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
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    databaseUrl: e.DATABASE_URL,
    smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE === 'true' },
    mailFrom: e.MAIL_FROM,
    appBaseUrl: e.APP_BASE_URL,
    port: e.PORT,
    timeZone: e.TIME_ZONE,
    crypto: { payloadKeys: e.PAYLOAD_KEYS, piiKeys: e.PII_KEYS, piiHmacKey: Buffer.from(e.PII_HMAC_KEY, 'base64') },
    codec: {
      // Empty means unset: the codec endpoint then refuses everyone.
      operatorTokenSha256: e.CODEC_OPERATOR_TOKEN_SHA256 || undefined,
      corsOrigins: e.CODEC_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    },
    retention: { after: e.RETENTION_AFTER, everyMs: Duration.fromISO(e.RETENTION_EVERY).toMillis() },
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
