import { z } from 'zod';
import { defineOperation } from '../operation';
import { auditQuery } from '../querySchemas';
import { listAudit } from '../useCases/audit';
import { instant, pageOf } from '../views/common';

const auditEventSchema = z.strictObject({
  id: z.string(),
  at: instant,
  actor: z.string(),
  /** The staff directory's name for the actor; null when it has none (or the actor is not a person). */
  actorName: z.string().nullable(),
  actorRoles: z.array(z.string()),
  action: z.string(),
  method: z.string(),
  route: z.string(),
  /** Null on an intent: written before the change, when the outcome is not known. */
  status: z.number().int().nullable(),
  caseId: z.string().nullable(),
  taskId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  sourceAddress: z.string().nullable(),
  /** Shared by a change's intent and result rows, and answered to the caller as X-Request-Id. */
  requestId: z.string().nullable(),
  phase: z.enum(['intent', 'result']).nullable(),
});

export const auditOperations = [
  defineOperation({
    id: 'audit.read',
    method: 'get',
    path: '/audit',
    summary: 'The audit trail, newest first: who read or changed what, from where; refusals included; a change as its intent and its result',
    access: { roles: ['auditor'], scope: 'anyone' },
    query: auditQuery,
    responses: { 200: pageOf(auditEventSchema) },
    handle: async ({ deps, query }) => ({ status: 200, body: await listAudit(deps, query) }),
  }),
];
