import { z } from 'zod';
import { instant } from './common';

/** Who held a task and how it moved: claims, releases, assignments and moves, oldest first. */
export const taskAssignmentsSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        action: z.enum(['claimed', 'released', 'assigned', 'reassigned']),
        /** The action in Swedish, as staff read it (domain/messages.ts). */
        text: z.string(),
        /** Who acted, by user id, and their name as the staff directory last saw them (null when it has none). */
        actor: z.string(),
        actorName: z.string().nullable(),
        /** Who was given the task (claimed, assigned), by user id and directory name; null when no one or no name. */
        assignee: z.string().nullable(),
        assigneeName: z.string().nullable(),
        fromUnit: z.string().nullable(),
        toUnit: z.string().nullable(),
        /** A move's reason, decrypted for this answer; null otherwise, or once retention removed it. */
        reason: z.string().nullable(),
        at: instant,
      }),
    ),
  })
  .describe("the task's holders and moves");

/** A case's closings and reopenings, oldest first. */
export const caseEventsSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        action: z.enum(['closed', 'reopened']),
        /** Who closed or reopened, by user id, and their name as the staff directory last saw them (null when it has none). */
        actor: z.string(),
        actorName: z.string().nullable(),
        /** The close reason code, and its Swedish text. */
        reason: z.string().nullable(),
        reasonText: z.string().nullable(),
        fromStep: z.string().nullable(),
        /** A reopening's reason, decrypted for this answer (null once retention removed it). */
        note: z.string().nullable(),
        at: instant,
      }),
    ),
  })
  .describe("the case's closings and reopenings");
