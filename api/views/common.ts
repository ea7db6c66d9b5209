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

/** One thing that still sends a unit work (UNIT_IN_USE): its live tasks, or an active policy or routing table naming it. */
export const unitUseSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('open-tasks'), count: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('policy'), caseType: z.string(), version: z.string() }),
  z.strictObject({ kind: z.literal('routing'), version: z.string() }),
]);
export type UnitUse = z.infer<typeof unitUseSchema>;

/** The one error body every operation answers its error statuses with (api/errors.ts builds it). */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    /** A task's actual state when it cannot take the change (e.g. "waiting-for-consent"; domain/taskRefusals.ts). */
    reason: z.string().optional(),
    /** Each refused field by its path (VALIDATION_FAILED; a unit a published version names that takes no work: UNIT_NOT_FOUND, UNIT_INACTIVE). */
    fields: z.array(z.strictObject({ field: z.string(), problem: z.string() })).optional(),
    /** UNIT_IN_USE on deactivating: what still sends the unit work, each as data (the message says it in words). */
    uses: z.array(unitUseSchema).optional(),
  }),
});
