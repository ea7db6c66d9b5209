import { z } from 'zod';
import {
  acknowledgeEscalationInputSchema,
  completeTaskInputSchema,
  extendDeadlineInputSchema,
} from '../domain/messages';
import { caseTypes } from '../domain/policy';

/** Request bodies: the workflow messages' schemas less the actor, which comes from the caller's identity. */
export const completeTaskBody = completeTaskInputSchema.omit({ actor: true });
export const extendDeadlineBody = extendDeadlineInputSchema.omit({ actor: true });
export const acknowledgeEscalationBody = acknowledgeEscalationInputSchema.omit({ actor: true, escalationId: true });

export const concernCategories = ['drug-possession', 'violence', 'threat', 'recruitment', 'weapons', 'other'] as const;

export const startCaseBody = z
  .object({
    caseType: z.enum(caseTypes),
    referral: z
      .object({
        sourceAgency: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be an agency code such as "police"'),
        category: z.enum(concernCategories),
        urgency: z.enum(['normal', 'urgent', 'acute']).default('normal'),
        suspectedOfCrime: z.boolean().default(false),
        receivedAt: z.iso.datetime({ offset: true }).optional(),
        subject: z
          .object({
            displayName: z.string().trim().min(1).max(200).optional(),
            personalIdentityNumber: z.string().regex(/^\d{6,8}[-+]?\d{4}$/, 'must look like YYYYMMDD-NNNN').optional(),
            ageYears: z.number().int().min(0).max(120),
          })
          .strict(),
        narrative: z.string().max(20_000).optional(),
      })
      .strict(),
  })
  .strict();
export type StartCaseBody = z.infer<typeof startCaseBody>;

/** A whole number in a query string: digits only, since z.coerce would read "" or " " as 0. */
const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const idParam = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be an id of letters, digits, dot, dash or underscore');

export const taskListQuery = z
  .object({
    status: z.enum(['open', 'completed', 'all']).default('open'),
    limit: queryInt(1, 200, 50),
    offset: queryInt(0, 1_000_000, 0),
  })
  .strict();

export const escalationListQuery = z
  .object({
    status: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
    unit: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/).optional(),
    limit: queryInt(1, 200, 50),
    offset: queryInt(0, 1_000_000, 0),
  })
  .strict();

export const notificationListQuery = z
  .object({
    status: z.enum(['pending', 'sending', 'failing', 'sent', 'all']).default('failing'),
    unit: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/).optional(),
    limit: queryInt(1, 200, 50),
    offset: queryInt(0, 1_000_000, 0),
  })
  .strict();

/** A client-chosen key that makes retrying POST /cases safe (a UUID is typical). */
export const idempotencyKeyHeader = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8 to 128 letters, digits, dot, dash, colon or underscore');
