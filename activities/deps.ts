import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../prisma/client';

/** What an email transport must offer; nodemailer's Transporter fits, and so does a test double in unit tests. */
export interface Mailer {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    messageId: string;
    headers?: Record<string, string>;
  }): Promise<{ messageId?: string }>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ActivityDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  clock: Clock;
  /** A Temporal client, for the watchdog to ask which workflows run (its activities only). */
  temporal?: Client;
  config: {
    /** Base of the links in emails; a link is all an email may carry about a case. */
    appBaseUrl: string;
    mailFrom: string;
    timeZone: string;
    /** How long the watchdog keeps its runs, the findings it resolved and staff not seen since, in ms (defaults: 90, 365 and 400 days). */
    watchdogKeep?: WatchdogKeep;
  };
}

export interface WatchdogKeep {
  runsMs: number;
  resolvedFindingsMs: number;
  /** A staff directory row whose person has not signed in for this long (STAFF_DIRECTORY_KEEP). */
  staffDirectoryMs: number;
}
