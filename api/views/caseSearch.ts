import { z } from 'zod';
import { caseTypes } from '../../domain/policy';
import { caseStatuses } from './case';
import { instant, nullableInstant, pageOf } from './common';
import { protectedIdentitySchema } from './subject';

/** One case found: what it is and where it stands, never who it is about. */
export const caseSearchItemSchema = z.strictObject({
  caseId: z.string(),
  caseType: z.enum(caseTypes),
  status: z.enum(caseStatuses),
  createdAt: instant,
  closedAt: nullableInstant,
  /** An open task past its due time: any in the case for coordinators, one of the caller's units' for others. */
  overdue: z.boolean(),
  protectedIdentity: protectedIdentitySchema,
  links: z.strictObject({ case: z.string(), subject: z.string() }),
});

export const caseSearchPageSchema = pageOf(caseSearchItemSchema).describe('the cases found, newest first, among those the caller may see');
