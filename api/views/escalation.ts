import { z } from 'zod';
import { instant, nullableInstant } from './common';

export const escalationSchema = z.strictObject({
  escalationId: z.string(),
  taskId: z.string(),
  caseId: z.string(),
  level: z.number().int(),
  target: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  dueAt: instant,
  raisedAt: instant,
  acknowledgedAt: nullableInstant,
  acknowledgedBy: z.string().nullable(),
  resolvedAt: nullableInstant,
});

/** What acknowledging answers: the escalation as the task workflow now holds it. */
export const acknowledgedEscalationSchema = z.strictObject({
  id: z.string(),
  level: z.number().int(),
  target: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  raisedAt: instant,
});

export function escalationView(e: {
  id: string;
  taskId: string;
  caseId: string;
  level: number;
  target: string;
  status: string;
  dueAt: Date;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
}): z.infer<typeof escalationSchema> {
  return {
    escalationId: e.id,
    taskId: e.taskId,
    caseId: e.caseId,
    level: e.level,
    target: e.target,
    status: e.status as z.infer<typeof escalationSchema>['status'],
    dueAt: e.dueAt.toISOString(),
    raisedAt: e.raisedAt.toISOString(),
    acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: e.acknowledgedBy,
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
  };
}
