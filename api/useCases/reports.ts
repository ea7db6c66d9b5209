import type { z } from 'zod';
import type { ApiDeps } from '../context';
import { sharedOnlyWhere, type HiddenTasks } from './tasks';
import { reportRange, type reportQuery } from '../querySchemas';
import { overdueSeconds } from '../views/task';

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

type ReportQuery = z.infer<typeof reportQuery>;
/** The tasks a report covers: started in [from, to). */
interface Window {
  from: Date;
  to: Date;
}
const windowOf = (query: ReportQuery): Window => reportRange(query);

/**
 * Per unit and step, over tasks started in [from, to) (at most a year: api/querySchemas.ts): open, overdue now, completed, the median
 * and 90th percentile time to completion (continuous percentiles, as PostgreSQL computes them),
 * and how many escalations and extensions those tasks had.
 */
async function stepRows({ prisma }: ApiDeps, units: string[] | undefined, { from, to }: Window, hidden?: HiddenTasks): Promise<ReportRow[]> {
  // Nothing before consent: tasks the caller may not see are not counted, nor do they make a row;
  // for others than coordinators, escalations count only if addressed to the task's own unit (not the consent wait's).
  const hiddenStatuses = hidden?.hiddenStatuses ?? [];
  const hiddenIds = hidden?.hiddenIds ?? [];
  const rows = await prisma.$queryRaw<RawRow[]>`
    WITH t AS (
      SELECT u.code AS unit, t.step_key AS step, t.status, t.due_at, t.started_at, t.completed_at,
             (SELECT count(*) FROM escalation e WHERE e.task_id = t.id AND (${!hidden?.hiddenStatuses.length}::boolean OR e.unit_id = t.unit_id)) AS escalations,
             (SELECT count(*) FROM deadline_extension x WHERE x.task_id = t.id) AS extensions
      FROM task t JOIN unit u ON u.id = t.unit_id
      WHERE t.started_at >= ${from} AND t.started_at < ${to}
        AND (${units ?? null}::text[] IS NULL OR u.code = ANY(${units ?? null}::text[]))
        AND NOT (t.status = ANY(${hiddenStatuses}::text[]))
        AND NOT (t.id = ANY(${hiddenIds}::text[]))
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
  return rows.map((r) => ({
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
}

/** GET /reports/tasks: the rows per unit and step, and every task still overdue in the window. */
export async function unitStepReport(deps: ApiDeps, units: string[] | undefined, query: ReportQuery, hidden?: HiddenTasks) {
  const window = windowOf(query);
  const [items, overdue] = await Promise.all([stepRows(deps, units, window, hidden), overdueTasks(deps, units, window, hidden)]);
  return { from: window.from.toISOString(), to: window.to.toISOString(), items, overdueTasks: overdue };
}

/** Every task still open (or waiting) past its due time, longest overdue first, with how long. */
async function overdueTasks({ prisma }: ApiDeps, units: string[] | undefined, { from, to }: Window, hidden?: HiddenTasks) {
  const now = new Date();
  const live = ['open', 'waiting-for-consent'] as const;
  const rows = await prisma.task.findMany({
    where: {
      startedAt: { gte: from, lt: to },
      status: { in: [...live] },
      dueAt: { lt: now },
      ...(units ? { unit: { code: { in: units } } } : {}),
      AND: sharedOnlyWhere(hidden),
    },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: 1000,
    select: { id: true, caseId: true, stepKey: true, status: true, dueAt: true, unit: { select: { code: true } } },
  });
  return rows.map((t) => ({
    taskId: t.id,
    caseId: t.caseId,
    unit: t.unit.code,
    step: t.stepKey,
    status: t.status as (typeof live)[number],
    dueAt: t.dueAt.toISOString(),
    overdueSeconds: overdueSeconds(t, now),
  }));
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

/** GET /reports/tasks.csv: the rows per unit and step as RFC 4180 CSV with a header row. */
export async function unitStepCsv(deps: ApiDeps, units: string[] | undefined, query: ReportQuery, hidden?: HiddenTasks): Promise<string> {
  const items = await stepRows(deps, units, windowOf(query), hidden);
  return [csvColumns.join(','), ...items.map((r) => csvColumns.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}
