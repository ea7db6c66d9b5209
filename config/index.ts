import { z } from 'zod';

/**
 * All configuration comes from the environment and is validated at start-up, so a missing or
 * wrong variable stops the process with a message that names it.
 */
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
});

export interface AppConfig {
  temporal: { address: string; namespace: string; taskQueue: string };
  databaseUrl: string;
  smtp: { host: string; port: number; secure: boolean };
  mailFrom: string;
  appBaseUrl: string;
  port: number;
  timeZone: string;
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
