import { z } from 'zod';
import { instant } from './common';

/** One person of a unit's staff, as the staff directory last saw them. */
export const unitPersonSchema = z.strictObject({
  /** The token subject: what `task.assign` takes as `assignee`. */
  userId: z.string(),
  /** The token's OIDC `name` claim, when one has carried it. */
  name: z.string().nullable(),
  /** Also supervises the unit, as their last token said. */
  supervisor: z.boolean(),
  lastSeenAt: instant,
});
export type UnitPerson = z.input<typeof unitPersonSchema>;

export const unitPeopleSchema = z
  .strictObject({
    unit: z.string(),
    /** Only people seen (signed in) within this many days are listed. */
    seenWithinDays: z.number().int().min(1),
    /** By name (Swedish order; nameless last), then user id. */
    items: z.array(unitPersonSchema),
    /** More people matched than one answer lists: those seen longest ago are left out. */
    capped: z.boolean(),
  })
  .describe("the people seen as staff of the unit, by name");
