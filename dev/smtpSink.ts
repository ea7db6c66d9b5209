// A real SMTP server on loopback that keeps every message in memory: dev mailbox and test oracle.
// It can be stopped and restarted on the same port to simulate the mail server being down.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope sender (MAIL FROM), falling back to the From header. */
  from: string;
  /** Envelope recipients (RCPT TO), so Bcc recipients are included. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  /** Header name (lower case) → raw, unfolded value; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  raw: string;
  receivedAt: Date;
}

export interface WaitForOptions {
  timeoutMs?: number;
  count?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  webUrl?: string;
  /** Received so far, oldest first. The same array for the sink's lifetime (clear() empties it). */
  messages: ReceivedMail[];
  waitFor(predicate: (m: ReceivedMail) => boolean, opts?: WaitForOptions): Promise<ReceivedMail[]>;
  clear(): void;
  /** Closes the SMTP port and drops open connections, as if the mail server went down. */
  stopListening(): Promise<void>;
  /** Listens again on the same host and port. */
  startListening(): Promise<void>;
  /**
   * Holds the reply to each message's final "." for `ms` (0 = reply at once). A held message is
   * accepted only if its client is still connected when the reply is sent, as with a server that
   * takes responsibility when it answers 250; otherwise it is counted in `dropped`.
   */
  holdReplies(ms: number): void;
  /** Answers 550 to RCPT TO for these addresses from now on, as a server that refuses one mailbox; empty = accept all. */
  refuseRecipients(addresses: string[]): void;
  /** Messages whose reply is being held right now. */
  readonly held: number;
  /** Messages whose client went away while the reply was held. */
  readonly dropped: number;
  /** Alias of stopListening. */
  pause(): Promise<void>;
  /** Alias of startListening. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** 0 or omitted = a free port. */
  port?: number;
  host?: string;
  /** Port for the read-only web mailbox; 0 = a free port; false/omitted = none. */
  webPort?: number | false;
  /** Called once per received mail with recipients and subject only (no bodies in logs). */
  log?: (line: string) => void;
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = opts.host ?? '127.0.0.1';
  const messages: ReceivedMail[] = [];
  const listeners = new Set<(m: ReceivedMail | Error) => void>();

  const hold: HoldState = { ms: 0, held: 0, dropped: 0, refused: new Set() };
  const onMail = (mail: ReceivedMail) => {
    messages.push(mail);
    opts.log?.(`mail to ${mail.to.join(', ')}: ${JSON.stringify(mail.subject)}`);
    for (const l of [...listeners]) l(mail);
  };

  let smtp: SMTPServer | undefined = createSmtpServer(onMail, hold, opts.log);
  const port = await listenSmtp(smtp, host, opts.port ?? 0);

  let web: http.Server | undefined;
  let webUrl: string | undefined;
  if (opts.webPort !== undefined && opts.webPort !== false) {
    web = http.createServer((req, res) => serveWeb(req, res, messages));
    const webAddr = await listen(web, host, opts.webPort);
    webUrl = `http://${host}:${webAddr.port}/`;
  }

  const stopListening = async () => {
    const current = smtp;
    smtp = undefined;
    if (current) await closeSmtp(current);
  };

  const startListening = async () => {
    if (smtp) return;
    // A fresh instance: a closed SMTPServer keeps closing state and can't be reused reliably.
    const next = createSmtpServer(onMail, hold, opts.log);
    await listenSmtp(next, host, port);
    smtp = next;
  };

  const waitFor = (predicate: (m: ReceivedMail) => boolean, wopts: WaitForOptions = {}) => {
    const count = wopts.count ?? 1;
    const timeoutMs = wopts.timeoutMs ?? 5_000;
    return new Promise<ReceivedMail[]>((resolve, reject) => {
      // Declared before finish() and assigned after it, since finish() must clear it.
      // eslint-disable-next-line prefer-const
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: Error | undefined, result?: ReceivedMail[]) => {
        listeners.delete(check);
        if (timer) clearTimeout(timer);
        if (err) reject(err);
        else resolve(result ?? []);
      };
      function check(event?: ReceivedMail | Error) {
        if (event instanceof Error) return finish(event);
        try {
          const matched = messages.filter(predicate);
          if (matched.length >= count) finish(undefined, matched);
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      }
      listeners.add(check);
      timer = setTimeout(() => {
        let matched = 0;
        try {
          matched = messages.filter(predicate).length;
        } catch {
          // The predicate already had its chance to throw in check().
        }
        const subjects = messages.map((m) => `${JSON.stringify(m.subject)} → ${m.to.join(', ')}`);
        finish(
          new Error(
            `waitFor timed out after ${timeoutMs} ms: ${matched} of ${count} expected message(s) matched; ` +
              `${messages.length} received${subjects.length ? `:\n  ${subjects.join('\n  ')}` : ''}`,
          ),
        );
      }, timeoutMs);
      check();
    });
  };

  const stop = async () => {
    for (const l of [...listeners]) l(new Error('SMTP sink stopped while waiting for mail'));
    await stopListening();
    if (web) {
      const w = web;
      web = undefined;
      w.closeAllConnections();
      await new Promise<void>((resolve) => w.close(() => resolve()));
    }
  };

  return {
    host,
    port,
    webUrl,
    messages,
    waitFor,
    clear: () => {
      messages.length = 0;
    },
    stopListening,
    startListening,
    holdReplies: (ms) => {
      hold.ms = ms;
    },
    refuseRecipients: (addresses) => {
      hold.refused = new Set(addresses.map((a) => a.toLowerCase()));
    },
    get held() {
      return hold.held;
    },
    get dropped() {
      return hold.dropped;
    },
    pause: stopListening,
    resume: startListening,
    stop,
  };
}

interface HoldState {
  ms: number;
  held: number;
  dropped: number;
  /** Recipients answered 550 (lower case). */
  refused: Set<string>;
}

function createSmtpServer(onMail: (m: ReceivedMail) => void, hold: HoldState, log?: (line: string) => void): SMTPServer {
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    onRcptTo(address, _session, callback) {
      if (hold.refused.has(address.address.toLowerCase())) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        const accept = () => {
          // Any failure (parse, or a throwing log callback) becomes an SMTP error reply, never an unhandled rejection.
          parseAndStore(Buffer.concat(chunks), session, onMail).then(
            () => callback(),
            (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
          );
        };
        if (hold.ms <= 0) return accept();
        hold.held += 1;
        setTimeout(() => {
          hold.held -= 1;
          const stillConnected = [...server.connections].some((c) => c.id === session.id);
          if (stillConnected) return accept();
          hold.dropped += 1;
          callback(new Error('client went away before the reply'));
        }, hold.ms);
      });
    },
  });
  // smtp-server emits a client's dropped connection mid-transaction (a worker killed while
  // sending) as 'error'; unheard, that would end the process hosting the sink. A mail server
  // notes it and goes on serving.
  server.on('error', (err: Error & { code?: string }) => log?.(`client connection error: ${err.code ?? err.message}`));
  return server;
}

async function parseAndStore(raw: Buffer, session: SMTPServerSession, onMail: (m: ReceivedMail) => void): Promise<void> {
  const parsed = await simpleParser(raw);
  onMail(toReceivedMail(parsed, session, raw.toString('utf8')));
}

function toReceivedMail(parsed: ParsedMail, session: SMTPServerSession, raw: string): ReceivedMail {
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return {
    from: envelopeFrom || parsed.from?.value[0]?.address || '',
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    messageId: parsed.messageId,
    headers,
    raw,
    receivedAt: new Date(),
  };
}

async function listenSmtp(server: SMTPServer, host: string, port: number): Promise<number> {
  return (await listen(server.server, host, port)).port;
}

function listen(server: http.Server | SMTPServer['server'], host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeSmtp(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Drop open (e.g. pooled) connections now: a real outage doesn't wait for clients to say QUIT.
    for (const conn of server.connections) conn.close();
  });
}

function serveWeb(req: http.IncomingMessage, res: http.ServerResponse, messages: ReceivedMail[]): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const newestFirst = [...messages].reverse();
  const url = new URL(req.url ?? '/', 'http://sink');
  if (url.pathname === '/messages') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(newestFirst));
  } else if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(renderHtml(newestFirst));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

function renderHtml(messages: ReceivedMail[]): string {
  const items = messages
    .map(
      (m) => `<article>
  <h2>${esc(m.subject || '(no subject)')}</h2>
  <p class="meta">to ${esc(m.to.join(', '))} · from ${esc(m.from)} · ${esc(m.receivedAt.toISOString())}</p>
  <pre>${esc(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>samverkan dev mailbox</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}
article{border-bottom:1px solid #ccc;padding:.5rem 0}h2{font-size:1.1rem;margin:.2rem 0}
.meta{color:#555;font-size:.9rem;margin:.2rem 0}pre{white-space:pre-wrap}</style></head>
<body><h1>Dev mailbox (${messages.length})</h1>
<p>Newest first. Reload to refresh. JSON at <a href="/messages">/messages</a>.</p>
${items || '<p>No mail yet.</p>'}
</body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
