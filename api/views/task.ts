import { z } from 'zod';
import { caseTypes } from '../../domain/policy';
import { instant } from './common';

export const taskStatuses = ['open', 'completed', 'waiting-for-consent', 'withdrawn'] as const;

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
  links: z.strictObject({ case: z.string(), complete: z.string() }),
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
  extensions: z.array(
    z.strictObject({ sequence: z.number().int(), previousDueAt: instant, newDueAt: instant, justification: z.string(), extendedBy: z.string() }),
  ),
  escalations: z.array(
    z.strictObject({ id: z.string(), level: z.number().int(), target: z.string(), status: z.enum(['open', 'acknowledged', 'resolved']), raisedAt: instant }),
  ),
});
