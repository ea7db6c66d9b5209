// What a request says outside its body: query strings, path parameters and headers, and the id and paging rules they share.
import { z } from 'zod';
import { caseTypes } from '../domain/policy';
import { watchdogKinds } from '../domain/watchdog';

/** A whole number in a query string: digits only, since z.coerce would read "" or " " as 0. */
const queryInt = (min: number, max: number, fallback: number, tooBig?: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max, tooBig))
    .default(fallback);

export const idParam = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be an id of letters, digits, dot, dash or underscore');

/** The case and task ids of a path, for its audit row, only when well-formed: never echo arbitrary input. */
export function wellFormedIds({ caseId, taskId }: Record<string, string | undefined>): { caseId?: string; taskId?: string } {
  return {
    ...(caseId !== undefined && idParam.safeParse(caseId).success ? { caseId } : {}),
    ...(taskId !== undefined && idParam.safeParse(taskId).success ? { taskId } : {}),
  };
}

export const unitCodeSchema = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a unit code such as "soc-children-youth"');
/**
 * How far a list may be paged: deep offsets make the database walk every row before the page,
 * so past this a caller narrows its filters (dates, unit, status) instead.
 */
export const maxOffset = 10_000;
const page = {
  limit: queryInt(1, 200, 50),
  offset: queryInt(0, maxOffset, 0, `must be at most ${maxOffset}: narrow the filters to reach older rows`),
};
const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const isoInstant = z.iso.datetime({ offset: true });

/** A page of a list that has no filters of its own (a case's or task's notes). */
export const pageQuery = z.object({ ...page }).strict();

/** A unit's inbox: GET /units/:unitCode/tasks. */
export const taskListQuery = z
  .object({
    status: z.enum(['open', 'completed', 'all']).default('open'),
    overdue: booleanQuery.optional(),
    dueBefore: isoInstant.optional(),
    caseType: z.enum(caseTypes).optional(),
    ...page,
  })
  .strict();

/** Every task the caller may see: GET /tasks; `mine=true` is the caller's own inbox (tasks they hold). */
export const taskSearchQuery = taskListQuery.extend({ unit: unitCodeSchema.optional(), mine: booleanQuery.optional() }).strict();
export type TaskSearchQuery = z.infer<typeof taskSearchQuery>;

export const auditQuery = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    caseId: idParam.optional(),
    taskId: idParam.optional(),
    action: z.string().regex(/^[a-z.]{1,64}$/, 'must be an action such as "case.read"').optional(),
    requestId: z.uuid().optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    ...page,
  })
  .strict();

/** The longest span one report covers (a leap year fits): a wider one is refused, not computed. */
export const maxReportDays = 366;
const dayMs = 86_400_000;

/** The span a report covers: `to` defaults to now, `from` to `maxReportDays` before `to`. */
export function reportRange(query: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : new Date();
  return { from: query.from ? new Date(query.from) : new Date(to.getTime() - maxReportDays * dayMs), to };
}

export const reportQuery = z
  .object({
    unit: unitCodeSchema.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    const { from, to } = reportRange(query);
    const span = to.getTime() - from.getTime();
    // Each field the caller sent is named; `to` left out means now.
    const named = (['from', 'to'] as const).filter((f) => query[f] !== undefined);
    const problem = span <= 0 ? 'from must be earlier than to (now, when to is left out)' : span > maxReportDays * dayMs ? `from and to may be at most ${maxReportDays} days apart (to left out means now)` : undefined;
    for (const field of problem ? named : []) ctx.addIssue({ code: 'custom', path: [field], message: problem! });
  });

export const escalationListQuery = z
  .object({
    status: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
    unit: unitCodeSchema.optional(),
    ...page,
  })
  .strict();

/** GET /watchdog/findings: open ones by default, optionally of one kind or one unit. */
export const watchdogFindingListQuery = z
  .object({
    status: z.enum(['open', 'resolved', 'all']).default('open'),
    kind: z.enum(watchdogKinds).optional(),
    unit: unitCodeSchema.optional(),
    ...page,
  })
  .strict();

/** GET /watchdog/runs: the sweeps, newest first. */
export const watchdogRunListQuery = z.object({ ...page }).strict();

export const notificationListQuery = z
  .object({
    status: z.enum(['pending', 'sending', 'failing', 'sent', 'all']).default('failing'),
    unit: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/).optional(),
    ...page,
  })
  .strict();

/** A client-chosen key that makes retrying POST /cases safe (a UUID is typical). */
export const idempotencyKeyHeader = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8 to 128 letters, digits, dot, dash, colon or underscore');

/** Path parameters, one object per shape of path. */
export const caseParams = z.object({ caseId: idParam }).strict();
export const taskParams = z.object({ taskId: idParam }).strict();

/** POST /cases and POST /referrals read an optional Idempotency-Key. */
export const idempotencyHeaders = z.object({ 'Idempotency-Key': idempotencyKeyHeader.optional() });

/** Filters a case search shares between GET /cases and POST /cases/search. */
export const caseFilters = {
  caseId: idParam.optional(),
  status: z.enum(['starting', 'open', 'closed']).optional(),
  caseType: z.enum(caseTypes).optional(),
  /** Cases with a task at this unit (for others than coordinators, one of their own units). */
  unit: unitCodeSchema.optional(),
  /** Registered (the case row's created_at; not a receipt date the referral states) at or after `from`, before `to`. */
  from: isoInstant.optional(),
  to: isoInstant.optional(),
};

/** A search's `from` after its `to` would only find nothing: refused, both fields named. */
export function checkCaseRange(filters: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (filters.from === undefined || filters.to === undefined || Date.parse(filters.from) < Date.parse(filters.to)) return;
  for (const field of ['from', 'to'] as const) ctx.addIssue({ code: 'custom', path: [field], message: 'from must be earlier than to' });
}

/** GET /cases: find cases by id, status, type, unit, overdue and date range (never by personnummer: see POST /cases/search). */
export const caseSearchQuery = z.object({ ...caseFilters, overdue: booleanQuery.optional(), ...page }).strict().superRefine(checkCaseRange);
export type CaseSearchQuery = z.infer<typeof caseSearchQuery>;
