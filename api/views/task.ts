import { z } from 'zod';
import type { TaskStatus } from '../../domain/messages';
import { caseTypes } from '../../domain/policy';
import { instant } from './common';
import { protectedIdentitySchema } from './subject';

/** "not-shared": a consent wait ended by a refusal; "closed": ended with its case (domain/messages.ts TaskStatus). */
export const taskStatuses = ['open', 'completed', 'waiting-for-consent', 'withdrawn', 'not-shared', 'closed'] as const satisfies readonly TaskStatus[];

/** One line of an inbox or a task search. */
export const taskListItemSchema = z.strictObject({
  taskId: z.string(),
  caseId: z.string(),
  caseType: z.enum(caseTypes),
  stepKey: z.string(),
  unit: z.string(),
  status: z.enum(taskStatuses),
  dueAt: instant,
  overdue: z.boolean(),
  /** How long an open (or waiting) task has been past its due time; 0 when it is not. */
  overdueSeconds: z.number().int().min(0),
  /** Who holds the task (claimed, or assigned by a supervisor); null when the unit's staff share it. */
  assignee: z.string().nullable(),
  /** The holder's name as the staff directory last saw it; null when no one holds the task or the directory has no name for them. */
  assigneeName: z.string().nullable(),
  /** The case is protected identity: handle through protected channels, send no post; null when not. */
  protectedIdentity: protectedIdentitySchema,
  links: z.strictObject({ case: z.string(), complete: z.string(), claim: z.string() }),
});

/** What completing or extending answers: the task as its workflow now holds it (domain/messages.ts TaskView). */
export const taskStateSchema = z.strictObject({
  taskId: z.string(),
  caseId: z.string(),
  stepKey: z.string(),
  unitCode: z.string(),
  status: z.enum(taskStatuses),
  startedAt: instant,
  dueAt: instant,
  originalDueAt: instant,
  outcome: z.string().optional(),
  completedBy: z.string().optional(),
  completedAt: instant.optional(),
  /** When a task withdrawn, not shared or closed with its case ended. */
  endedAt: instant.optional(),
  extensions: z.array(
    z.strictObject({ sequence: z.number().int(), previousDueAt: instant, newDueAt: instant, justification: z.string(), extendedBy: z.string() }),
  ),
  escalations: z.array(
    z.strictObject({ id: z.string(), level: z.number().int(), target: z.string(), status: z.enum(['open', 'acknowledged', 'resolved']), raisedAt: instant }),
  ),
  /** The case is protected identity (read model): handle through protected channels, send no post; null when not. */
  protectedIdentity: protectedIdentitySchema,
});

/** How long an open (or waiting) task has been past its due time, in whole seconds; 0 when it is not. */
export function overdueSeconds(t: { status: string; dueAt: Date }, now = new Date()): number {
  const live = t.status === 'open' || t.status === 'waiting-for-consent';
  return live ? Math.max(0, Math.floor((now.getTime() - t.dueAt.getTime()) / 1000)) : 0;
}
