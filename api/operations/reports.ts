import { z } from 'zod';
import { defineOperation } from '../operation';
import { reportQuery } from '../schemas';
import { reportCsv, unitStepReport } from '../useCases/reports';
import { instant } from '../views/common';

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
});

const access = { roles: ['coordinator', 'supervisor'], scope: 'unitSupervisor' } as const;

export const reportOperations = [
  defineOperation({
    id: 'report.read',
    method: 'get',
    path: '/reports/tasks',
    summary: 'Per unit and step: open, overdue, completed, median and p90 seconds to completion, escalations, extensions',
    access,
    query: reportQuery,
    responses: { 200: reportSchema },
    handle: async ({ deps, grant, query }) => ({ status: 200, body: await unitStepReport(deps, grant.units, query) }),
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
    handle: async ({ deps, grant, query }) => ({ status: 200, body: reportCsv((await unitStepReport(deps, grant.units, query)).items) }),
  }),
];
