import { z } from 'zod';

/** Response bodies are declared strict: a field the declaration does not name fails the contract test. */
export const instant = z.iso.datetime({ offset: true });
export const nullableInstant = instant.nullable();

/**
 * A page of a list: how many matched (counted up to a cap, so a count stays cheap: `totalCapped`
 * says more matched than `total`), the window asked for, and the items in it.
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    total: z.number().int().min(0),
    totalCapped: z.boolean(),
    limit: z.number().int(),
    offset: z.number().int(),
    items: z.array(item),
  });
}

/** The one error body every operation answers its error statuses with (api/errors.ts builds it). */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    /** A task's actual state when it cannot take the change (e.g. "waiting-for-consent"; domain/taskRefusals.ts). */
    reason: z.string().optional(),
    fields: z.array(z.strictObject({ field: z.string(), problem: z.string() })).optional(),
  }),
});
