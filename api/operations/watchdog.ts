import { defineOperation, listed } from '../operation';
import { watchdogFindingListQuery } from '../schemas';
import { listWatchdogFindings } from '../useCases/watchdogFindings';
import { pageOf } from '../views/common';
import { watchdogFindingSchema } from '../views/watchdogFinding';

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
];
