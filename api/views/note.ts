import { z } from 'zod';
import { instant, pageOf } from './common';

/** One running note: who wrote it when, and its text (null once retention removed it). */
export const noteSchema = z
  .strictObject({
    noteId: z.string(),
    caseId: z.string(),
    /** The task the note is on; null for a note on the case. */
    taskId: z.string().nullable(),
    author: z.string(),
    /** The author's name as the staff directory last saw it; null when it has none. */
    authorName: z.string().nullable(),
    createdAt: instant,
    text: z.string().nullable(),
  })
  .describe('the note');
export type NoteView = z.input<typeof noteSchema>;

export const notePageSchema = pageOf(noteSchema);
