import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import type { Mailer } from '../activities';
import type { SmtpConfig } from '../config';

export function createMailer(smtp: SmtpConfig): Mailer {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls ?? false,
    // Plain SMTP only when TLS is asked for neither way: the dev mailbox and test sinks on loopback
    // (production refuses that configuration, config/index.ts).
    ignoreTLS: !smtp.secure && !smtp.requireTls,
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    // A private CA is trusted beside the public ones, not instead of them.
    tls: { minVersion: 'TLSv1.2', ...(smtp.ca ? { ca: [...rootCertificates, smtp.ca] } : {}) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}
