import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createAuthority } from '../../dev/temporalPki';
import { createMailer } from '../../worker/mailer';

/** A real SMTP relay on loopback with the test CA's certificate; records what each session did. */
async function startRelay(options: Partial<SMTPServerOptions>) {
  const received: Array<{ secure: boolean; user?: string; body: string }> = [];
  const server = new SMTPServer({
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'samverkan' && auth.password === 'relay-password') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('end', () => {
        received.push({ secure: session.secure, user: session.user as string | undefined, body });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('mail to the relay over TLS, with authentication', () => {
  const ca = createAuthority('test relay CA');
  const relayCert = ca.issue('relay', { serverNames: ['localhost', '127.0.0.1'] });
  const tlsOptions = { key: relayCert.key, cert: relayCert.cert };
  const message = { from: 'no-reply@samverkan.test', to: 'inbox@kommun.test', subject: 'Work is waiting', text: 'A task is waiting.', messageId: '<tls-test@samverkan.test>' };

  it('when STARTTLS is required and the relay asks for authentication, then the mailer upgrades the connection and signs in', async () => {
    const relay = await startRelay({ ...tlsOptions, authMethods: ['PLAIN', 'LOGIN'] });
    try {
      const mailer = createMailer({ host: '127.0.0.1', port: relay.port, secure: false, requireTls: true, auth: { user: 'samverkan', pass: 'relay-password' }, ca: Buffer.from(ca.cert) });
      await mailer.sendMail(message);
      expect(relay.received).toEqual([expect.objectContaining({ secure: true, user: 'samverkan' })]);
    } finally {
      await relay.close();
    }
  });

  it('when STARTTLS is required and the relay does not offer it, then nothing is sent in clear', async () => {
    const relay = await startRelay({ disabledCommands: ['STARTTLS'], authOptional: true });
    try {
      const mailer = createMailer({ host: '127.0.0.1', port: relay.port, secure: false, requireTls: true, ca: Buffer.from(ca.cert) });
      await expect(mailer.sendMail(message)).rejects.toThrow(/STARTTLS/);
      expect(relay.received).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it("when the relay's certificate is not from a trusted CA, then the mailer refuses to send", async () => {
    const relay = await startRelay({ ...tlsOptions, authOptional: true });
    try {
      const mailer = createMailer({ host: '127.0.0.1', port: relay.port, secure: false, requireTls: true });
      await expect(mailer.sendMail(message)).rejects.toThrow(/certificate/);
      expect(relay.received).toEqual([]);
    } finally {
      await relay.close();
    }
  });
});
