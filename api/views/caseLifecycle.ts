import { z } from 'zod';
import { closeReasons } from '../../domain/caseClosing';
import { instant } from './common';

/** What closing a case answers: the case as closed, and how many of its tasks ended with it. */
export const closedCaseSchema = z
  .strictObject({
    caseId: z.string(),
    status: z.literal('closed'),
    closeReason: z.enum(closeReasons),
    /** The reason in Swedish, as staff read it (domain/messages.ts). */
    closeReasonText: z.string(),
    closedAt: instant,
    closedBy: z.string(),
    /** Tasks still running when the case closed: each ended as closed, its timers stopped. */
    tasksClosed: z.array(z.string()),
  })
  .describe('the case, closed');

/** What reopening answers: the case open again, from which step, its deadlines counting from now. */
export const reopenedCaseSchema = z
  .strictObject({
    caseId: z.string(),
    status: z.literal('open'),
    fromStep: z.string(),
    reopenedAt: instant,
    reopenCount: z.number().int().min(1),
  })
  .describe('the case, reopened');
