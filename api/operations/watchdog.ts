import { z } from 'zod';
import { defineOperation, listed } from '../operation';
import { caseParams, watchdogFindingListQuery, watchdogRunListQuery } from '../querySchemas';
import { restartCase } from '../useCases/restartCase';
import { listWatchdogFindings, listWatchdogRuns } from '../useCases/watchdogFindings';
import { pageOf } from '../views/common';
import { watchdogFindingSchema, watchdogRunSchema } from '../views/watchdogFinding';

const restartedCaseSchema = z
  .strictObject({
    caseId: z.string(),
    restarted: z.array(
      z.strictObject({ workflowId: z.string(), kind: z.enum(['case', 'task']), from: z.enum(['history', 'recorded-start']) }),
    ),
  })
  .describe('the workflows restarted, and from what');

export const watchdogOperations = [
  defineOperation({
    id: 'watchdog.findings',
    method: 'get',
    path: '/watchdog/findings',
    summary: "What the watchdog found: deadlines that could go silent (coordinator: all; supervisor: their units')",
    access: { roles: ['coordinator', 'supervisor'], scope: 'unitSupervisor' },
    query: watchdogFindingListQuery,
    responses: { 200: pageOf(watchdogFindingSchema) },
    handle: async ({ deps, grant, query }) => listed(await listWatchdogFindings(deps, grant.units, query), query.unit, query.status),
  }),
  defineOperation({
    id: 'watchdog.runs',
    method: 'get',
    path: '/watchdog/runs',
    summary: "The watchdog's sweeps, newest first: when each ran, how many cases, tasks, escalations and units it checked, how long it took",
    access: { roles: ['coordinator', 'supervisor', 'admin'], scope: 'anyone' },
    query: watchdogRunListQuery,
    responses: { 200: pageOf(watchdogRunSchema) },
    handle: async ({ deps, query }) => {
      const body = await listWatchdogRuns(deps, query);
      return { status: 200, body, audit: { detail: { returned: body.items.length } } };
    },
  }),
  defineOperation({
    id: 'case.restart',
    method: 'post',
    path: '/cases/:caseId/restart',
    summary: "Repair: resume an open case's workflow (and its live tasks') that Temporal no longer runs, from its recorded state",
    access: { roles: ['admin'], scope: 'anyone' },
    params: caseParams,
    responses: { 200: restartedCaseSchema },
    errors: {
      404: 'no such case',
      409: 'the case is not open, its workflows all run, its history is gone after it recorded tasks, or resuming it would lose messages it was sent',
    },
    handle: async ({ deps, params }) => {
      const body = await restartCase(deps, params.caseId);
      return { status: 200, body, audit: { caseId: body.caseId, detail: { restarted: body.restarted.map((r) => `${r.kind}:${r.from}`) } } };
    },
  }),
];
