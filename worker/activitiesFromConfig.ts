import type { Client } from '@temporalio/client';
import { createActivities, systemClock, type Activities } from '../activities';
import type { AppConfig } from '../config';
import type { PrismaClient } from '../prisma/client';
import { createMailer } from './mailer';

/** The production wiring of the activities: one place for worker/main.ts and npm start. */
export function activitiesFromConfig(config: AppConfig, prisma: PrismaClient, temporal: Client): Activities {
  return createActivities({
    prisma,
    temporal,
    mailer: createMailer(config.smtp),
    clock: systemClock,
    config: { appBaseUrl: config.appBaseUrl, mailFrom: config.mailFrom, timeZone: config.timeZone },
  });
}
