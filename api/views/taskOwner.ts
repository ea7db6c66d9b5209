import { z } from 'zod';
import { instant } from './common';
import { taskStatuses } from './task';

/** Who holds a task now: what claiming, releasing and assigning answer. */
export const taskOwnerSchema = z
  .strictObject({
    taskId: z.string(),
    caseId: z.string(),
    unit: z.string(),
    status: z.enum(taskStatuses),
    /** The person who holds the task (their user id), or null when the unit's staff share it. */
    assignee: z.string().nullable(),
    assignedAt: instant.nullable(),
    /** Unchanged by who holds the task: only an extension moves it. */
    dueAt: instant,
  })
  .describe('who holds the task now');
export type TaskOwner = z.input<typeof taskOwnerSchema>;
