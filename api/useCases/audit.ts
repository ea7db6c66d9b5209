import type { z } from 'zod';
import type { Prisma } from '../../prisma/client';
import type { ApiDeps } from '../context';
import type { auditQuery } from '../querySchemas';
import { pageOfRows } from './page';
import { staffNames } from './staffNames';

/** The audit trail for an auditor, newest first, each actor named from the staff directory (one read per page). */
export async function listAudit(deps: ApiDeps, query: z.infer<typeof auditQuery>) {
  const { prisma } = deps;
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
  const names = await staffNames(deps, page.items.map((r) => r.actor));
  return {
    ...page,
    items: page.items.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      actorName: names.get(r.actor) ?? null,
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
