import type { z } from 'zod';
import type { Prisma } from '../../prisma/client';
import type { ApiDeps } from '../context';
import type { auditQuery } from '../querySchemas';
import { pageOfRows } from './page';

/** The audit trail for an auditor, newest first. */
export async function listAudit({ prisma }: ApiDeps, query: z.infer<typeof auditQuery>) {
  const where: Prisma.AuditEventWhereInput = {
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.caseId ? { caseId: query.caseId } : {}),
    ...(query.taskId ? { taskId: query.taskId } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.requestId ? { requestId: query.requestId } : {}),
    ...(query.from || query.to
      ? { at: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lt: new Date(query.to) } : {}) } }
      : {}),
  };
  const page = await pageOfRows(
    query,
    (take) => prisma.auditEvent.count({ where, take }),
    prisma.auditEvent.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: query.limit, skip: query.offset }),
  );
  return {
    ...page,
    items: page.items.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      actorRoles: r.actorRoles ? r.actorRoles.split(',') : [],
      action: r.action,
      method: r.method,
      route: r.route,
      status: r.status,
      caseId: r.caseId,
      taskId: r.taskId,
      detail: r.detail as Record<string, unknown> | null,
      sourceAddress: r.sourceAddress,
      requestId: r.requestId,
      phase: r.phase as 'intent' | 'result' | null,
    })),
  };
}
