import nodemailer from 'nodemailer';
import type { Mailer } from '../activities';

export function createMailer(smtp: { host: string; port: number; secure: boolean }): Mailer {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // A local sink or relay without TLS is the normal dev and test set-up.
    ignoreTLS: !smtp.secure,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}
