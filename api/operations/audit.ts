import { z } from 'zod';
import { defineOperation } from '../operation';
import { auditQuery } from '../schemas';
import { listAudit } from '../useCases/audit';
import { instant, pageOf } from '../views/common';

const auditEventSchema = z.strictObject({
  id: z.string(),
  at: instant,
  actor: z.string(),
  actorRoles: z.array(z.string()),
  action: z.string(),
  method: z.string(),
  route: z.string(),
  status: z.number().int(),
  caseId: z.string().nullable(),
  taskId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const auditOperations = [
  defineOperation({
    id: 'audit.read',
    method: 'get',
    path: '/audit',
    summary: 'The audit trail, newest first: who read or changed what, refusals included',
    access: { roles: ['auditor'], scope: 'anyone' },
    query: auditQuery,
    responses: { 200: pageOf(auditEventSchema) },
    handle: async ({ deps, query }) => ({ status: 200, body: await listAudit(deps, query) }),
  }),
];
