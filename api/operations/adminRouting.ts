import { z } from 'zod';
import { routingTableSchema } from '../../domain/routing';
import { defineOperation } from '../operation';
import { getRouting, getRoutingVersion, publishRoutingVersion } from '../useCases/admin';
import { instant } from '../views/common';

const routingSchema = z.strictObject({
  active: routingTableSchema,
  versions: z.array(z.strictObject({ version: z.string(), activatedAt: instant })),
});
const admin = { roles: ['admin'], scope: 'anyone' } as const;
/** A version as published names it (domain/routing.ts): anything else is not one, and 400 says so. */
const versionParam = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a routing-table version: 1 to 64 letters, digits, dots, dashes or underscores');

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
    id: 'routing.version.read',
    method: 'get',
    path: '/admin/routing/versions/:version',
    summary: 'One routing-table version as published (any, not only the active one), when it activates and whether it routes referrals now',
    access: admin,
    params: z.strictObject({ version: versionParam }),
    responses: { 200: z.strictObject({ table: routingTableSchema, activatedAt: instant, active: z.boolean() }) },
    errors: { 404: 'no routing-table version by that name (ROUTING_VERSION_NOT_FOUND)' },
    handle: async ({ deps, params }) => ({ status: 200, body: await getRoutingVersion(deps, params.version) }),
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
