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
  /** Who acknowledged it, by user id, and their name as the staff directory last saw them (null when none or no name). */
  acknowledgedBy: z.string().nullable(),
  acknowledgedByName: z.string().nullable(),
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

/** An escalation as answered; `names` is the staff directory's names for the page (api/useCases/staffNames.ts). */
export function escalationView(
  e: {
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
  },
  names: ReadonlyMap<string, string>,
): z.infer<typeof escalationSchema> {
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
    acknowledgedByName: e.acknowledgedBy ? (names.get(e.acknowledgedBy) ?? null) : null,
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
  };
}
