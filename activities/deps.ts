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
    /** How long the watchdog keeps its runs and the findings it resolved, in ms (defaults: 90 and 365 days). */
    watchdogKeep?: WatchdogKeep;
  };
}

export interface WatchdogKeep {
  runsMs: number;
  resolvedFindingsMs: number;
}
