import { z } from 'zod';
import { defineOperation } from '../operation';
import { agencyCodeSchema, createAgencyBody, createUnitBody, emptyBody, updateAgencyBody, updateUnitBody } from '../schemas';
import { unitCodeSchema } from '../querySchemas';
import { createAgency } from '../useCases/registry/createAgency';
import { createUnit } from '../useCases/registry/createUnit';
import { deleteUnit } from '../useCases/registry/deleteUnit';
import { listAgencies } from '../useCases/registry/listAgencies';
import { listUnits } from '../useCases/registry/listUnits';
import { readRegistry } from '../useCases/registry/readRegistry';
import { updateAgency } from '../useCases/registry/updateAgency';
import { updateUnit } from '../useCases/registry/updateUnit';
import { agencyListSchema, deletedUnitSchema, registryAgencySchema, registrySchema, registryUnitSchema, unitListSchema } from '../views/registry';

const admin = { roles: ['admin'], scope: 'anyone' } as const;
const unitParams = z.object({ unitCode: unitCodeSchema }).strict();
const agencyParams = z.object({ agencyCode: agencyCodeSchema }).strict();
/** The audit row names the agency or unit changed (registry codes are not personal data). */
const changed = (detail: Record<string, unknown>) => ({ detail });
// A refused change (409, 404, 403) names its target too, when the path's code is well formed.
const unitTarget = ({ unitCode }: Record<string, string | undefined>) => (unitCodeSchema.safeParse(unitCode).success ? { unit: unitCode } : undefined);
const agencyTarget = ({ agencyCode }: Record<string, string | undefined>) => (agencyCodeSchema.safeParse(agencyCode).success ? { agency: agencyCode } : undefined);

/** The agency and unit registry, managed by admins through the API: a change takes effect at once. */
export const registryOperations = [
  defineOperation({
    id: 'registry.read',
    method: 'get',
    path: '/admin/registry',
    summary: 'Every agency with its units, their addresses and whether each takes new work',
    access: admin,
    responses: { 200: registrySchema },
    handle: async ({ deps }) => ({ status: 200, body: await readRegistry(deps) }),
  }),
  defineOperation({
    id: 'agency.create',
    method: 'post',
    path: '/admin/agencies',
    summary: 'Add an agency to the registry',
    access: admin,
    body: createAgencyBody,
    responses: { 201: registryAgencySchema },
    errors: { 409: 'the code is taken (REGISTRY_CODE_TAKEN)' },
    handle: async ({ deps, body }) => ({ status: 201, body: await createAgency(deps, body), audit: changed({ agency: body.code }) }),
  }),
  defineOperation({
    id: 'agency.update',
    method: 'post',
    path: '/admin/agencies/:agencyCode',
    summary: "Rename an agency (its code stays)",
    access: admin,
    params: agencyParams,
    auditTarget: agencyTarget,
    body: updateAgencyBody,
    responses: { 200: registryAgencySchema },
    errors: { 404: 'no such agency' },
    handle: async ({ deps, params, body }) => ({ status: 200, body: await updateAgency(deps, params.agencyCode, body), audit: changed({ agency: params.agencyCode }) }),
  }),
  defineOperation({
    id: 'unit.create',
    method: 'post',
    path: '/admin/units',
    summary: 'Add a unit to an agency, with its inbox, supervisor and head addresses; it takes work at once',
    access: admin,
    body: createUnitBody,
    responses: { 201: registryUnitSchema },
    errors: { 409: 'the code is taken (REGISTRY_CODE_TAKEN)', 422: 'no such agency (AGENCY_NOT_FOUND)' },
    handle: async ({ deps, body }) => ({ status: 201, body: await createUnit(deps, body), audit: changed({ unit: body.code }) }),
  }),
  defineOperation({
    id: 'unit.update',
    method: 'post',
    path: '/admin/units/:unitCode',
    summary: "Change a unit's name or addresses (emails from now on use them), or deactivate it once nothing sends it work",
    access: admin,
    params: unitParams,
    auditTarget: unitTarget,
    body: updateUnitBody,
    responses: { 200: registryUnitSchema },
    errors: { 404: 'no such unit', 409: 'the unit still gets work: open tasks to reassign, or an active policy or routing naming it (UNIT_IN_USE)' },
    handle: async ({ deps, params, body }) => ({
      status: 200,
      body: await updateUnit(deps, params.unitCode, body),
      audit: changed({ unit: params.unitCode, fields: Object.keys(body).sort() }),
    }),
  }),
  defineOperation({
    id: 'unit.delete',
    method: 'post',
    path: '/admin/units/:unitCode/delete',
    summary: 'Delete a unit that never held a task (one that did can only be deactivated)',
    access: admin,
    params: unitParams,
    auditTarget: unitTarget,
    body: emptyBody,
    responses: { 200: deletedUnitSchema },
    errors: { 404: 'no such unit', 409: 'the unit has history, or the active policies or routing table name it (UNIT_IN_USE, with `uses`): deactivate it instead, or publish versions that do not name it' },
    handle: async ({ deps, params }) => ({ status: 200, body: await deleteUnit(deps, params.unitCode), audit: changed({ unit: params.unitCode }) }),
  }),
  defineOperation({
    id: 'unit.list',
    method: 'get',
    path: '/units',
    summary: 'The units that take new work (codes, agencies and names): where a task can be moved or planned',
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'anyone' },
    responses: { 200: unitListSchema },
    handle: async ({ deps }) => ({ status: 200, body: await listUnits(deps) }),
  }),
  defineOperation({
    id: 'agency.list',
    method: 'get',
    path: '/agencies',
    summary: 'Every agency in the registry (codes and names): whom a consent can name, whether or not the case involves it yet',
    access: { roles: ['coordinator'], scope: 'anyone' },
    responses: { 200: agencyListSchema },
    handle: async ({ deps }) => ({ status: 200, body: await listAgencies(deps) }),
  }),
];
