import type { Principal } from '../domain/auth';
import { sqlPool, type PrismaClient } from '../prisma/client';

/** What a route tells the audit trail about the request it served (or refused). */
export interface AuditNote {
  caseId?: string;
  taskId?: string;
  /** Filters and counts only: never request bodies, which can hold personal data. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditNote {
  principal: Principal | undefined;
  action: string;
  method: string;
  route: string;
  /** The answer's status; null on an intent, written before the outcome is known. */
  status: number | null;
  /** The client's address as the trusted proxies report it. */
  sourceAddress?: string;
  /** This HTTP request's id (also its X-Request-Id): an intent and its result share it. */
  requestId?: string;
  /** A change is recorded as an intent before it is attempted and a result after; other requests in one row. */
  phase?: 'intent' | 'result';
}

/** A request's audit row as a use-case writes it with its change (see api/useCases/recordCase.ts). */
export interface AuditRow {
  at: string;
  entry: AuditEntry;
}

export interface AuditWriter {
  /** Resolves once the row is committed; rejects if it could not be written. */
  record(entry: AuditEntry): Promise<void>;
}

interface Pending {
  at: string;
  entry: AuditEntry;
  done: (err?: unknown) => void;
}

/**
 * Appends audit rows with group commit: rows that arrive while an insert is in flight go into the
 * next insert together, so under load one statement carries many rows, and no row waits for a
 * timer. Each caller still waits for its own row. The table refuses UPDATE and DELETE (see the
 * migration's trigger).
 */
export function createAuditWriter(prisma: PrismaClient, opts: { maxBatch?: number } = {}): AuditWriter {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Pending[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await insert(prisma, batch);
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.done(err);
      }
    }
    flushing = false;
  }

  return {
    record(entry) {
      return new Promise<void>((resolve, reject) => {
        // The request's own time, not the flush's, so the trail orders as requests happened.
        queue.push({ at: new Date().toISOString(), entry, done: (err) => (err ? reject(err) : resolve()) });
        if (!flushing) {
          flushing = true;
          // Collect whatever else this turn of the event loop records, then write.
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** One audit row's column values, in the order both insert statements take them. */
export function auditColumns(at: string, e: AuditEntry) {
  return [
    at,
    e.principal?.sub ?? 'anonymous',
    (e.principal?.roles ?? []).join(','),
    e.action,
    e.method,
    e.route,
    e.status,
    e.caseId ?? null,
    e.taskId ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
    e.sourceAddress ?? null,
    e.requestId ?? null,
    e.phase ?? null,
  ] as const;
}

/** One statement for the whole batch: columns as parallel arrays, expanded by unnest. */
const insertSql = `
  INSERT INTO audit_event (id, at, actor, actor_roles, action, method, route, status, case_id, task_id, detail, source_address, request_id, phase)
  SELECT gen_random_uuid(), r.*
  FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::jsonb[],
              $11::text[], $12::uuid[], $13::text[]) AS r`;

async function insert(prisma: PrismaClient, batch: Pending[]): Promise<void> {
  const rows = batch.map((p) => auditColumns(p.at, p.entry));
  await sqlPool(prisma).query({
    name: 'audit-batch',
    text: insertSql,
    values: rows[0].map((_, column) => rows.map((row) => row[column])),
  });
}
