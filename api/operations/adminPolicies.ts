import { z } from 'zod';
import { caseTypes, policyDocumentSchema } from '../../domain/policy';
import { defineOperation } from '../operation';
import { idParam } from '../querySchemas';
import { getPolicy, listPolicies, publishPolicyVersion } from '../useCases/admin';
import { instant } from '../views/common';
import { policySchema } from '../views/policy';

const admin = { roles: ['admin'], scope: 'anyone' } as const;

export const policyOperations = [
  defineOperation({
    id: 'policy.list',
    method: 'get',
    path: '/admin/policies',
    summary: 'Every policy version, the active one per case type, and how many cases run on each (by status)',
    access: admin,
    responses: {
      200: z.strictObject({
        items: z.array(
          z.strictObject({ caseType: z.enum(caseTypes), version: z.string(), active: z.boolean(), activatedAt: instant, cases: z.record(z.string(), z.number().int()) }),
        ),
      }),
    },
    handle: async ({ deps }) => ({ status: 200, body: await listPolicies(deps) }),
  }),
  defineOperation({
    id: 'policy.read',
    method: 'get',
    path: '/admin/policies/:caseType/:version',
    summary: 'One policy document',
    access: admin,
    params: z.object({ caseType: idParam, version: idParam }).strict(),
    responses: { 200: policySchema },
    errors: { 422: 'no such policy version' },
    handle: async ({ deps, params }) => ({ status: 200, body: await getPolicy(deps, params.caseType, params.version) }),
  }),
  defineOperation({
    id: 'policy.publish',
    method: 'post',
    path: '/admin/policies',
    summary: 'Publish a new policy version (applies to cases started from now on; running cases keep theirs)',
    access: admin,
    body: policyDocumentSchema,
    responses: { 201: policySchema },
    errors: { 409: 'that version exists; versions are immutable', 422: 'the policy lacks steps, or a step drops an outcome its workflow acts on for the child’s safety (INVALID_POLICY; `fields` names the step’s outcomes, e.g. steps.investigationDecision.outcomes), or names a unit not in the registry (UNIT_NOT_FOUND) or a deactivated one (UNIT_INACTIVE); `fields` names each such unit by its path, e.g. steps.investigation.unitCode' },
    handle: async ({ deps, body }) => ({ status: 201, body: await publishPolicyVersion(deps, body) }),
  }),
];
