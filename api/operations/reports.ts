import { z } from 'zod';
import { sharedTasksOnly } from '../caseSharing';
import { defineOperation } from '../operation';
import { reportQuery } from '../querySchemas';
import { instant } from '../views/common';
import { unitStepCsv, unitStepReport } from '../useCases/reports';

const seconds = z.number().nullable();
const reportSchema = z.strictObject({
  /** The span covered: what was asked, or the defaults (to: now; from: a year before to). */
  from: instant,
  to: instant,
  items: z.array(
    z.strictObject({
      unit: z.string(),
      step: z.string(),
      open: z.number().int(),
      overdue: z.number().int(),
      completed: z.number().int(),
      medianSecondsToComplete: seconds,
      p90SecondsToComplete: seconds,
      escalations: z.number().int(),
      extensions: z.number().int(),
    }),
  ),
  /** Tasks still open (or waiting) past their due time, longest overdue first. */
  overdueTasks: z.array(
    z.strictObject({
      taskId: z.string(),
      caseId: z.string(),
      unit: z.string(),
      step: z.string(),
      status: z.enum(['open', 'waiting-for-consent']),
      dueAt: instant,
      overdueSeconds: z.number().int().min(0),
    }),
  ),
});

const access = { roles: ['coordinator', 'supervisor'], scope: 'unitSupervisor' } as const;

export const reportOperations = [
  defineOperation({
    id: 'report.read',
    method: 'get',
    path: '/reports/tasks',
    summary: 'Per unit and step: open, overdue, completed, median and p90 seconds to completion, escalations, extensions; and each task still overdue, with how long',
    access,
    query: reportQuery,
    responses: { 200: reportSchema },
    handle: async ({ deps, caller, grant, query }) => ({ status: 200, body: await unitStepReport(deps, grant.units, query, await sharedTasksOnly(deps, caller, grant.units)) }),
  }),
  defineOperation({
    id: 'report.csv',
    auditAction: 'report.read',
    method: 'get',
    path: '/reports/tasks.csv',
    summary: 'The same report as RFC 4180 CSV with a header row',
    access,
    query: reportQuery,
    contentType: 'text/csv; charset=utf-8',
    responses: { 200: z.string() },
    handle: async ({ deps, caller, grant, query }) => ({ status: 200, body: await unitStepCsv(deps, grant.units, query, await sharedTasksOnly(deps, caller, grant.units)) }),
  }),
];
