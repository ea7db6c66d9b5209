import { z } from 'zod';
import { routingTableSchema } from '../../domain/routing';
import { defineOperation } from '../operation';
import { getRouting, publishRoutingVersion } from '../useCases/admin';
import { instant } from '../views/common';

const routingSchema = z.strictObject({
  active: routingTableSchema,
  versions: z.array(z.strictObject({ version: z.string(), activatedAt: instant })),
});
const admin = { roles: ['admin'], scope: 'anyone' } as const;

export const routingOperations = [
  defineOperation({
    id: 'routing.read',
    method: 'get',
    path: '/admin/routing',
    summary: 'The active routing table and its versions',
    access: admin,
    responses: { 200: routingSchema },
    errors: { 422: 'no routing table is active' },
    handle: async ({ deps }) => ({ status: 200, body: await getRouting(deps) }),
  }),
  defineOperation({
    id: 'routing.publish',
    method: 'post',
    path: '/admin/routing',
    summary: 'Publish a new routing table version; referrals from now on are routed by it',
    access: admin,
    body: routingTableSchema,
    responses: { 201: routingSchema },
    errors: { 409: 'that version exists; versions are immutable', 422: 'a rule names a unit not in the registry (UNIT_NOT_FOUND) or a deactivated one (UNIT_INACTIVE); `fields` names each such unit by its path, e.g. rules.3.then.units.protectionAssessment' },
    handle: async ({ deps, body }) => ({ status: 201, body: await publishRoutingVersion(deps, body) }),
  }),
];
