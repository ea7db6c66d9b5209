import { z } from 'zod';
import type { RoutingDecision } from '../../domain/messages';
import { caseTypes } from '../../domain/policy';

/** POST /cases and POST /referrals: the case recorded; a keyed replay says exactly what the first answer said. */
export const createdCaseSchema = z.strictObject({
  caseId: z.string(),
  caseType: z.enum(caseTypes),
  policyVersion: z.string(),
  linkedCaseId: z.string().nullable(),
  routing: z.strictObject({ tableVersion: z.string(), ruleId: z.string(), tracks: z.array(z.string()) }).nullable(),
  links: z.strictObject({ self: z.string(), linkedCase: z.string().optional() }),
});
export type CreatedCase = z.infer<typeof createdCaseSchema>;

export function createdCaseView(
  c: { id: string; caseType: string; policyVersion: string; linkedCaseId: string | null },
  routing: Pick<RoutingDecision, 'tableVersion' | 'ruleId' | 'tracks'> | undefined,
): CreatedCase {
  return {
    caseId: c.id,
    caseType: c.caseType as CreatedCase['caseType'],
    policyVersion: c.policyVersion,
    linkedCaseId: c.linkedCaseId,
    routing: routing ? { tableVersion: routing.tableVersion, ruleId: routing.ruleId, tracks: routing.tracks } : null,
    links: { self: `/cases/${c.id}`, ...(c.linkedCaseId ? { linkedCase: `/cases/${c.linkedCaseId}` } : {}) },
  };
}
