import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, type Pool } from 'pg';
import type { Mailer } from '../activities';
import { renderEmail, type NotificationKind } from '../activities/email';
import { failingAfterAttempts, messageIdFor } from '../activities/notifications';
import { outboxChannel } from '../activities/outbox';
import { log } from '../config/log';

export interface OutboxSenderOptions {
  /** The app's pool (sqlPool(prisma)): claims and results are short statements on it. */
  pool: Pool;
  /** For the LISTEN connection that wakes the sender; without it, it only polls. */
  databaseUrl?: string;
  /** A pooled transport (worker/mailer.ts createPooledMailer); closed by stop(). */
  mailer: Mailer & { close?: () => void };
  config: { appBaseUrl: string; mailFrom: string; timeZone: string };
  /** How long a claim is the sender's alone; past it, a sender that died mid-send is taken over. */
  leaseMs?: number;
  /** The fallback when no wake-up comes (a lost LISTEN connection, a retry falling due). */
  pollMs?: number;
  /** Sends at once, at most (also the claim's batch size). */
  maxInFlight?: number;
  /** Shown as claimed_by; unique per sender. */
  id?: string;
}

export interface OutboxSender {
  id: string;
  /** Stops claiming, lets the sends in flight finish, then closes the transport and the LISTEN connection. */
  stop(): Promise<void>;
}

interface Claimed {
  id: string;
  idempotency_key: string;
  task_id: string;
  kind: string;
  recipient_email: string;
  step_title: string | null;
  level: number | null;
  attempts: number;
  case_id: string | null;
  step_key: string | null;
  due_at: Date | null;
  protected_identity: boolean | null;
}

/**
 * The claim: up to $1 due rows, locked and skipped by any other sender's claim meanwhile, leased
 * to sender $2 for $3 ms, with what their emails need from the task and case.
 */
export const claimSql = `WITH due AS (
     SELECT id FROM notification
      WHERE status <> 'sent' AND task_id IS NOT NULL AND next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED),
   claimed AS (
     UPDATE notification n
        SET status = 'sending', claimed_by = $2, claimed_until = now() + $3 * interval '1 millisecond',
            next_attempt_at = now() + $3 * interval '1 millisecond', attempts = n.attempts + 1
       FROM due WHERE n.id = due.id
     RETURNING n.id, n.idempotency_key, n.task_id, n.kind, n.recipient_email, n.step_title, n.level, n.attempts)
   SELECT claimed.*, t.case_id, t.step_key, t.due_at, t.protected_identity
     FROM claimed
     -- Looked up by key per claimed row: LIMIT 1 stops the planner from hashing the whole task table.
     LEFT JOIN LATERAL (
       SELECT t.case_id, t.step_key, t.due_at, c.protected_identity_at IS NOT NULL AS protected_identity
         FROM task t JOIN "case" c ON c.id = t.case_id
        WHERE t.id = claimed.task_id
        LIMIT 1
     ) t ON true`;

/** The next try after a refusal: 1 s, doubling, at most a minute (the activities' retry policy). */
export const backoffMs = (attempts: number): number => Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 60_000);

/** Error name and code only: a server's or a driver's message can quote addresses. */
export function reasonOf(err: unknown): string {
  // Duck-typed: socket errors come from Node's own realm, where instanceof Error can fail.
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  return `${typeof name === 'string' ? name : 'Error'}: ${typeof code === 'string' ? code : ''}`.trim().slice(0, 500);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The transactional outbox's sender. Workflows only enqueue (a pending row, in the same
 * transaction as what caused it); this claims due rows with FOR UPDATE SKIP LOCKED in one short
 * statement (status 'sending', a lease, attempts + 1), sends them concurrently over a pooled
 * transport and records each result. A row whose lease lapsed (its sender died mid-send) falls
 * due again and is sent with the same Message-ID. See README "Emails".
 */
export function startOutboxSender(opts: OutboxSenderOptions): OutboxSender {
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 1_000;
  const maxInFlight = opts.maxInFlight ?? 10;
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let stopped!: () => void;
  const stoppedNow = new Promise<void>((r) => (stopped = r));
  let woken = false;
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wakeUp = undefined;
      woken = false;
    });

  async function claim(limit: number): Promise<Claimed[]> {
    const res = await opts.pool.query<Claimed>(claimSql, [limit, id, leaseMs]);
    return res.rows;
  }

  /** A result write, retried a few times through a database outage; failing that, the lease lapses and the row is sent again. */
  async function record(what: string, text: string, values: unknown[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.pool.query(text, values);
        return;
      } catch (err) {
        if (attempt >= 5) {
          log.warn('outbox could not record a result; the lease will lapse', { what, sender: id, error: reasonOf(err) });
          return;
        }
        await sleep(backoffMs(attempt));
      }
    }
  }

  async function send(row: Claimed): Promise<void> {
    const messageId = messageIdFor(row.idempotency_key);
    try {
      if (!row.case_id || !row.due_at) throw Object.assign(new Error('task not found'), { name: 'TaskNotFound' });
      const { subject, text } = renderEmail({
        kind: row.kind as NotificationKind,
        caseId: row.case_id,
        taskId: row.task_id,
        stepTitle: row.step_title ?? row.step_key ?? '',
        stepKey: row.step_key ?? undefined,
        dueAt: row.due_at,
        level: row.level ?? undefined,
        protectedIdentity: row.protected_identity === true,
        appBaseUrl: opts.config.appBaseUrl,
        timeZone: opts.config.timeZone,
      });
      await opts.mailer.sendMail({ from: opts.config.mailFrom, to: row.recipient_email, subject, text, messageId, headers: { 'X-Samverkan-Notification': row.id } });
    } catch (err) {
      const reason = reasonOf(err);
      log.warn('outbox send refused', { notificationId: row.id, attempts: row.attempts, error: reason });
      // Released for a later claim; after failingAfterAttempts it is listed as failing, and still retried.
      await record(
        'refusal',
        `UPDATE notification
            SET status = CASE WHEN attempts >= $3 THEN 'failing' ELSE 'pending' END, last_error = $4,
                claimed_by = NULL, claimed_until = NULL, next_attempt_at = now() + $5 * interval '1 millisecond'
          WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
        [row.id, id, failingAfterAttempts, reason, backoffMs(row.attempts)],
      );
      return;
    }
    // Sent: recorded whoever holds the claim now (a sender that took over a lapsed lease sends the same Message-ID).
    await record(
      'sent',
      `UPDATE notification SET status = 'sent', sent_at = now(), message_id = $2, last_error = NULL, claimed_by = NULL, claimed_until = NULL
        WHERE id = $1 AND status <> 'sent'`,
      [row.id, messageId],
    );
  }

  async function run(): Promise<void> {
    let outages = 0;
    while (!stopping) {
      const room = maxInFlight - inFlight.size;
      if (room <= 0) {
        await nap(pollMs);
        continue;
      }
      let rows: Claimed[];
      try {
        rows = await claim(room);
        if (outages > 0) log.info('outbox reaches the database again', { sender: id });
        outages = 0;
      } catch (err) {
        outages++;
        if (outages === 1 || outages % 10 === 0) log.warn('outbox cannot claim: database unavailable', { sender: id, error: reasonOf(err), outages });
        await nap(backoffMs(outages));
        continue;
      }
      for (const row of rows) {
        const sending = send(row).finally(() => {
          inFlight.delete(sending);
          wake();
        });
        inFlight.add(sending);
      }
      // A full batch: more may be due at once. Otherwise wait for a wake-up or the poll.
      if (rows.length < room) await nap(pollMs);
    }
  }

  let listener: Client | undefined;
  async function listen(): Promise<void> {
    for (let failures = 0; !stopping && opts.databaseUrl; ) {
      const client = new Client({ connectionString: opts.databaseUrl, connectionTimeoutMillis: 5_000 });
      try {
        const lost = new Promise<void>((resolve) => {
          client.on('error', () => resolve());
          client.on('end', () => resolve());
        });
        client.on('notification', wake);
        await client.connect();
        await client.query(`LISTEN ${outboxChannel}`);
        listener = client;
        failures = 0;
        wake();
        await lost;
      } catch {
        failures++;
      }
      listener = undefined;
      await client.end().catch(() => undefined);
      if (!stopping) await Promise.race([sleep(backoffMs(failures + 1)), stoppedNow]);
    }
  }

  const running = run();
  const listening = listen();
  return {
    id,
    async stop() {
      stopping = true;
      stopped();
      wake();
      await running;
      await Promise.all([...inFlight]);
      await listener?.end().catch(() => undefined);
      await listening;
      opts.mailer.close?.();
    },
  };
}
