import * as http from 'node:http';
import * as net from 'node:net';
import nodemailer from 'nodemailer';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { eventually } from '../support/stack';

function transportFor(sink: SmtpSink) {
  // No pooling and short timeouts so a down sink fails fast instead of hanging the test.
  return nodemailer.createTransport({
    host: sink.host,
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 2_000,
    greetingTimeout: 2_000,
    socketTimeout: 5_000,
  });
}

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

describe('SMTP sink', () => {
  let sink: SmtpSink;
  const logged: string[] = [];

  beforeEach(async () => {
    logged.length = 0;
    sink = await startSmtpSink({ log: (line) => logged.push(line) });
  });

  afterEach(async () => {
    await sink.stop();
  });

  test('when mail is sent over loopback with nodemailer, then the sink records envelope, subject, text and headers', async () => {
    const transport = transportFor(sink);
    await transport.sendMail({
      from: 'noreply@samverkan.test',
      to: ['unit-a@kommun.test', 'unit-b@kommun.test'],
      bcc: 'supervisor@kommun.test',
      subject: 'Uppgift väntar: skyddsbedömning',
      text: 'A task is waiting for your unit.\nOpen: http://localhost/tasks/1',
      html: '<p>A task is waiting</p>',
      headers: { 'X-Samverkan-Task': 'task-1' },
    });
    await transport.sendMail({ from: 'noreply@samverkan.test', to: 'other@kommun.test', subject: 'Second', text: 'two' });

    const [first] = await sink.waitFor((m) => m.subject.startsWith('Uppgift'));
    expect(first.from).toBe('noreply@samverkan.test');
    expect(first.to).toEqual(['unit-a@kommun.test', 'unit-b@kommun.test', 'supervisor@kommun.test']);
    expect(first.subject).toBe('Uppgift väntar: skyddsbedömning');
    expect(first.text.trim()).toBe('A task is waiting for your unit.\nOpen: http://localhost/tasks/1');
    expect(first.html).toContain('<p>A task is waiting</p>');
    expect(first.messageId).toMatch(/^<.+>$/);
    expect(first.headers['x-samverkan-task']).toBe('task-1');
    expect(first.raw).toContain('X-Samverkan-Task: task-1');
    expect(first.receivedAt).toBeInstanceOf(Date);

    const all = await sink.waitFor(() => true, { count: 2 });
    expect(all.map((m) => m.subject)).toEqual(['Uppgift väntar: skyddsbedömning', 'Second']);
    // The log carries recipients and subject only, never the body.
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('unit-a@kommun.test');
    expect(logged[0]).toContain('skyddsbedömning');
    expect(logged.join('\n')).not.toContain('waiting for your unit');

    sink.clear();
    expect(sink.messages).toHaveLength(0);
  });

  test('when waitFor is given a mail sent later, then it resolves as soon as it arrives', async () => {
    const waiting = sink.waitFor((m) => m.to.includes('late@kommun.test'), { timeoutMs: 5_000 });
    await transportFor(sink).sendMail({ from: 'a@b.test', to: 'late@kommun.test', subject: 'Late', text: 'x' });
    const [mail] = await waiting;
    expect(mail.subject).toBe('Late');
  });

  test('when too few messages match before the timeout, then waitFor rejects saying how many matched and listing subjects', async () => {
    await transportFor(sink).sendMail({ from: 'a@b.test', to: 'x@kommun.test', subject: 'Only one', text: 'x' });
    await expect(sink.waitFor((m) => m.subject === 'Only one', { count: 2, timeoutMs: 300 })).rejects.toThrow(
      /timed out after 300 ms: 1 of 2 expected message\(s\) matched; 1 received:\n {2}"Only one" → x@kommun.test/,
    );
  });

  test('when the sink stops listening, then a send fails, and after it listens again on the same port a send succeeds', async () => {
    const port = sink.port;
    await sink.stopListening();
    await expect(
      transportFor(sink).sendMail({ from: 'a@b.test', to: 'down@kommun.test', subject: 'While down', text: 'x' }),
    ).rejects.toThrow(/ECONNREFUSED/);

    await sink.startListening();
    expect(sink.port).toBe(port);
    await transportFor(sink).sendMail({ from: 'a@b.test', to: 'up@kommun.test', subject: 'Back up', text: 'x' });
    const [mail] = await sink.waitFor((m) => m.subject === 'Back up');
    expect(mail.to).toEqual(['up@kommun.test']);
    expect(sink.messages.map((m) => m.subject)).toEqual(['Back up']);
  });

  test('when a pooled connection is open and the sink goes down, then the next send fails and later sends recover', async () => {
    const pooled = nodemailer.createTransport({
      host: sink.host,
      port: sink.port,
      ignoreTLS: true,
      pool: true,
      connectionTimeout: 2_000,
      socketTimeout: 5_000,
    });
    try {
      await pooled.sendMail({ from: 'a@b.test', to: 'p@kommun.test', subject: 'Pooled 1', text: 'x' });
      await sink.pause();
      await expect(pooled.sendMail({ from: 'a@b.test', to: 'p@kommun.test', subject: 'Pooled 2', text: 'x' })).rejects.toThrow();
      await sink.resume();
      await pooled.sendMail({ from: 'a@b.test', to: 'p@kommun.test', subject: 'Pooled 3', text: 'x' });
      expect(sink.messages.map((m) => m.subject)).toEqual(['Pooled 1', 'Pooled 3']);
    } finally {
      pooled.close();
    }
  });

  test('when a web port is given, then the mailbox page lists mail newest first, HTML-escaped, and /messages serves JSON', async () => {
    const webSink = await startSmtpSink({ webPort: 0 });
    try {
      expect(webSink.webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const t = transportFor(webSink);
      await t.sendMail({ from: 'a@b.test', to: 'x@kommun.test', subject: 'Older', text: 'first' });
      await t.sendMail({ from: 'a@b.test', to: 'y@kommun.test', subject: '<b>Newer</b>', text: 'a < b & c' });

      const page = await get(webSink.webUrl!);
      expect(page.status).toBe(200);
      expect(page.type).toContain('text/html');
      expect(page.body).toContain('&lt;b&gt;Newer&lt;/b&gt;');
      expect(page.body).toContain('a &lt; b &amp; c');
      expect(page.body).not.toContain('<b>Newer</b>');
      expect(page.body.indexOf('Newer')).toBeLessThan(page.body.indexOf('Older'));

      const json = await get(`${webSink.webUrl}messages`);
      expect(json.type).toContain('application/json');
      const parsed = JSON.parse(json.body) as Array<{ subject: string; to: string[] }>;
      expect(parsed.map((m) => m.subject)).toEqual(['<b>Newer</b>', 'Older']);
      expect(parsed[0].to).toEqual(['y@kommun.test']);
    } finally {
      await webSink.stop();
    }
  });

  test('when a client dies mid-transaction (connection reset after MAIL FROM), then the sink logs it and goes on accepting mail', async () => {
    // A worker killed while sending does exactly this; smtp-server reports it as an 'error' event.
    const socket = net.connect(sink.port, sink.host);
    const lines: string[] = [];
    const reply = (code: string) =>
      new Promise<void>((resolve) => {
        const onData = (chunk: Buffer) => {
          lines.push(...chunk.toString('utf8').split('\r\n'));
          if (lines.some((l) => l.startsWith(`${code} `))) {
            lines.length = 0;
            socket.off('data', onData);
            resolve();
          }
        };
        socket.on('data', onData);
      });
    await reply('220');
    socket.write('EHLO killed-worker\r\n');
    await reply('250');
    socket.write('MAIL FROM:<noreply@samverkan.test>\r\n');
    await reply('250');
    socket.resetAndDestroy();

    await eventually('the reset logged', async () => logged.some((l) => l.includes('ECONNRESET')), 5_000);
    await transportFor(sink).sendMail({ from: 'a@b.test', to: 'x@kommun.test', subject: 'After the reset', text: 'still here' });
    expect((await sink.waitFor((m) => m.subject === 'After the reset')).length).toBe(1);
  });

  test('when the sink is stopped while a waitFor is pending, then the wait rejects at once', async () => {
    const other = await startSmtpSink();
    const waiting = other.waitFor(() => true, { timeoutMs: 10_000 });
    await other.stop();
    await expect(waiting).rejects.toThrow(/stopped/);
  });
});
