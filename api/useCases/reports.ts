import type { z } from 'zod';
import type { ApiDeps } from '../context';
import { reportRange, type reportQuery } from '../schemas';

export interface ReportRow {
  unit: string;
  step: string;
  open: number;
  overdue: number;
  completed: number;
  /** Seconds from a task's start to its completion, over completed tasks; null when none. */
  medianSecondsToComplete: number | null;
  p90SecondsToComplete: number | null;
  escalations: number;
  extensions: number;
}

interface RawRow {
  unit: string;
  step: string;
  open: bigint;
  overdue: bigint;
  completed: bigint;
  median: number | null;
  p90: number | null;
  escalations: bigint;
  extensions: bigint;
}

/**
 * Per unit and step, over tasks started in [from, to) (at most a year: api/schemas.ts): open, overdue now, completed, the median
 * and 90th percentile time to completion (continuous percentiles, as PostgreSQL computes them),
 * and how many escalations and extensions those tasks had.
 */
export async function unitStepReport({ prisma }: ApiDeps, units: string[] | undefined, query: z.infer<typeof reportQuery>) {
  const { from, to } = reportRange(query);
  const rows = await prisma.$queryRaw<RawRow[]>`
    WITH t AS (
      SELECT u.code AS unit, t.step_key AS step, t.status, t.due_at, t.started_at, t.completed_at,
             (SELECT count(*) FROM escalation e WHERE e.task_id = t.id) AS escalations,
             (SELECT count(*) FROM deadline_extension x WHERE x.task_id = t.id) AS extensions
      FROM task t JOIN unit u ON u.id = t.unit_id
      WHERE t.started_at >= ${from} AND t.started_at < ${to}
        AND (${units ?? null}::text[] IS NULL OR u.code = ANY(${units ?? null}::text[]))
    )
    SELECT unit, step,
           count(*) FILTER (WHERE status = 'open') AS open,
           count(*) FILTER (WHERE status = 'open' AND due_at < now()) AS overdue,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM completed_at - started_at))
             FILTER (WHERE status = 'completed')::float8 AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM completed_at - started_at))
             FILTER (WHERE status = 'completed')::float8 AS p90,
           sum(escalations)::bigint AS escalations,
           sum(extensions)::bigint AS extensions
    FROM t GROUP BY unit, step ORDER BY unit, step`;
  const items: ReportRow[] = rows.map((r) => ({
    unit: r.unit,
    step: r.step,
    open: Number(r.open),
    overdue: Number(r.overdue),
    completed: Number(r.completed),
    medianSecondsToComplete: r.median === null ? null : Number(r.median),
    p90SecondsToComplete: r.p90 === null ? null : Number(r.p90),
    escalations: Number(r.escalations),
    extensions: Number(r.extensions),
  }));
  return { from: from.toISOString(), to: to.toISOString(), items };
}

const csvColumns: Array<keyof ReportRow> = [
  'unit',
  'step',
  'open',
  'overdue',
  'completed',
  'medianSecondsToComplete',
  'p90SecondsToComplete',
  'escalations',
  'extensions',
];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row. */
export function reportCsv(items: ReportRow[]): string {
  return [csvColumns.join(','), ...items.map((r) => csvColumns.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}
