import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Mailer } from '../activities';
import type { SmtpConfig } from '../config';

function transportOptions(smtp: SmtpConfig): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls ?? false,
    // Plain SMTP only when TLS is asked for neither way: the dev mailbox and test sinks on loopback
    // (production refuses that configuration, config/production.ts).
    ignoreTLS: !smtp.secure && !smtp.requireTls,
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    // A private CA is trusted beside the public ones, not instead of them.
    tls: { minVersion: 'TLSv1.2', ...(smtp.ca ? { ca: [...rootCertificates, smtp.ca] } : {}) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

/** One connection per mail: the watchdog's few mails. */
export function createMailer(smtp: SmtpConfig): Mailer {
  return nodemailer.createTransport(transportOptions(smtp));
}

/**
 * The outbox sender's transport: a few kept-open connections, each carrying many mails, instead
 * of a new SMTP connection (and TLS handshake) per mail.
 */
export function createPooledMailer(smtp: SmtpConfig, maxConnections = 5): Mailer & { close(): void } {
  const options: SMTPPool.Options = { ...transportOptions(smtp), pool: true, maxConnections, maxMessages: 100 };
  return nodemailer.createTransport(options);
}
