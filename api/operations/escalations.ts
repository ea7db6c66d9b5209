import { z } from 'zod';
import { addressedToWhere } from '../caseSharing';
import { defineOperation, listed } from '../operation';
import { acknowledgeEscalationBody } from '../schemas';
import { escalationListQuery, idParam } from '../querySchemas';
import { acknowledgeEscalation, listEscalations } from '../useCases/escalations';
import { pageOf } from '../views/common';
import { acknowledgedEscalationSchema, escalationSchema } from '../views/escalation';

export const escalationOperations = [
  defineOperation({
    id: 'escalation.list',
    method: 'get',
    path: '/escalations',
    summary: "Escalations (coordinator: all; supervisor: those addressed to their units, none about a task before consent)",
    access: { roles: ['coordinator', 'supervisor'], scope: 'unitSupervisor' },
    query: escalationListQuery,
    responses: { 200: pageOf(escalationSchema) },
    handle: async ({ deps, caller, grant, query }) => listed(await listEscalations(deps, await addressedToWhere(deps, caller, grant.units), query), query.unit, query.status),
  }),
  defineOperation({
    id: 'escalation.acknowledge',
    method: 'post',
    path: '/escalations/:escalationId/acknowledge',
    summary: 'Acknowledge an escalation; answers the escalation as its task now holds it',
    access: { roles: ['supervisor'], scope: 'escalationUnitSupervisor' },
    params: z.object({ escalationId: idParam }).strict(),
    body: acknowledgeEscalationBody,
    responses: { 200: acknowledgedEscalationSchema },
    errors: { 409: 'the escalation is already acknowledged or resolved' },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await acknowledgeEscalation(deps, params.escalationId, body, caller.sub) }),
  }),
];
