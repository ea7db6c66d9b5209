import type { Prisma, PrismaClient } from '../prisma/client';
import type { Principal } from '../domain/auth';

/** What a route tells the audit trail about the request it served (or refused). */
export interface AuditNote {
  caseId?: string;
  taskId?: string;
  /** Filters and counts only: never request bodies, which can hold personal data. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditNote {
  principal: Principal | undefined;
  action: string;
  method: string;
  route: string;
  status: number;
}

/** Appends one row; the table refuses UPDATE and DELETE (see the migration's trigger). */
export async function recordAudit(prisma: PrismaClient, e: AuditEntry): Promise<void> {
  await prisma.auditEvent.create({
    data: {
      actor: e.principal?.sub ?? 'anonymous',
      actorRoles: (e.principal?.roles ?? []).join(','),
      action: e.action,
      method: e.method,
      route: e.route,
      status: e.status,
      caseId: e.caseId ?? null,
      taskId: e.taskId ?? null,
      detail: (e.detail ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}
