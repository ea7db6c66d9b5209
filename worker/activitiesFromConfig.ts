import type { Client } from '@temporalio/client';
import { createActivities, systemClock, type Activities } from '../activities';
import type { AppConfig } from '../config';
import { sqlPool, type PrismaClient } from '../prisma/client';
import { createMailer, createPooledMailer } from './mailer';
import { startOutboxSender, type OutboxSender } from './outbox';

/** The production wiring of the activities: one place for worker/main.ts and npm start. */
export function activitiesFromConfig(config: AppConfig, prisma: PrismaClient, temporal: Client): Activities {
  return createActivities({
    prisma,
    temporal,
    mailer: createMailer(config.smtp),
    clock: systemClock,
    config: { appBaseUrl: config.appBaseUrl, mailFrom: config.mailFrom, timeZone: config.timeZone, watchdogKeep: config.watchdogKeep },
  });
}

/** The outbox's sender beside the activities, wherever a worker runs (worker/main.ts and npm start). */
export function outboxSenderFromConfig(config: AppConfig, prisma: PrismaClient, opts: { databaseUrl?: string | null } = {}): OutboxSender {
  return startOutboxSender({
    pool: sqlPool(prisma),
    // null: poll only (the embedded PGlite server of npm start takes one connection).
    databaseUrl: opts.databaseUrl === null ? undefined : (opts.databaseUrl ?? config.databaseUrl),
    mailer: createPooledMailer(config.smtp),
    config: { appBaseUrl: config.appBaseUrl, mailFrom: config.mailFrom, timeZone: config.timeZone },
  });
}
