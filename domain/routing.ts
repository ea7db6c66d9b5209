import { z } from 'zod';
import { caseTypes } from './policy';

/**
 * Referral routing: a versioned decision table (data, published without a deploy). Rules are
 * tried in order and the first whose every condition holds decides the case type, the optional
 * tracks and the units that get tasks. No match means a coordinator's triage task, never a drop.
 */

export const concernCategories = ['drug-possession', 'violence', 'threat', 'recruitment', 'weapons', 'network-exit', 'other'] as const;
export const urgencies = ['normal', 'urgent', 'acute'] as const;

const code = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/);

export const routingConditionSchema = z
  .object({
    sourceAgency: z.array(code).min(1).optional(),
    ageMin: z.number().int().min(0).max(120).optional(),
    ageMax: z.number().int().min(0).max(120).optional(),
    category: z.array(z.enum(concernCategories)).min(1).optional(),
    /** The school or district the referral concerns. */
    district: z.array(z.string().min(1).max(100)).min(1).optional(),
    suspectedOfCrime: z.boolean().optional(),
    urgency: z.array(z.enum(urgencies)).min(1).optional(),
  })
  .strict()
  .refine((c) => c.ageMin === undefined || c.ageMax === undefined || c.ageMin <= c.ageMax, {
    message: 'ageMin must not exceed ageMax',
    path: ['ageMin'],
  });

/** The case types that may start a youth concern beside them for a minor (`alsoForMinors`). */
export const voluntaryProgrammes: readonly string[] = ['social-intervention-group', 'exit-programme'];

export const routingRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    description: z.string().max(500).optional(),
    when: routingConditionSchema,
    then: z
      .object({
        caseType: z.enum(caseTypes).exclude(['triage']),
        /** Optional branches of the case type: "police-lul" (youth concern), "acute-threat" (exit). */
        tracks: z.array(code).default([]),
        /** Step key → unit code for this rule's cases, overriding the policy's unit. */
        units: z.record(z.string().min(1), code).default({}),
        /**
         * For a subject under 18: case types started beside this one for the same referral, linked
         * to it. A voluntary programme never replaces social services' assessment of a child.
         */
        alsoForMinors: z.array(z.literal('youth-concern')).optional(),
      })
      .strict()
      // Only a voluntary programme's workflow starts cases beside it (workflows/caseSteps.ts startCompanionCases).
      .refine((t) => !t.alsoForMinors?.length || voluntaryProgrammes.includes(t.caseType), {
        message: 'alsoForMinors is for voluntary programmes (social-intervention-group, exit-programme)',
        path: ['alsoForMinors'],
      }),
  })
  .strict();
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const routingTableSchema = z
  .object({
    version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    rules: z.array(routingRuleSchema),
  })
  .strict()
  .superRefine((table, ctx) => {
    const seen = new Set<string>();
    table.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id ${rule.id}`, path: ['rules', i, 'id'] });
      seen.add(rule.id);
    });
  });
export type RoutingTable = z.infer<typeof routingTableSchema>;

export interface ReferralFacts {
  sourceAgency: string;
  ageYears: number;
  category: (typeof concernCategories)[number];
  district?: string;
  suspectedOfCrime: boolean;
  urgency: (typeof urgencies)[number];
}

export function ruleMatches(rule: RoutingRule, facts: ReferralFacts): boolean {
  const w = rule.when;
  if (w.sourceAgency && !w.sourceAgency.includes(facts.sourceAgency)) return false;
  if (w.ageMin !== undefined && facts.ageYears < w.ageMin) return false;
  if (w.ageMax !== undefined && facts.ageYears > w.ageMax) return false;
  if (w.category && !w.category.includes(facts.category)) return false;
  if (w.district && (facts.district === undefined || !w.district.includes(facts.district))) return false;
  if (w.suspectedOfCrime !== undefined && w.suspectedOfCrime !== facts.suspectedOfCrime) return false;
  if (w.urgency && !w.urgency.includes(facts.urgency)) return false;
  return true;
}

/** The first matching rule, or undefined: the caller must then start a triage case. */
export function routeReferral(table: RoutingTable, facts: ReferralFacts): RoutingRule | undefined {
  return table.rules.find((rule) => ruleMatches(rule, facts));
}

/**
 * The cases a case starts beside its own. A voluntary programme never replaces social services'
 * assessment of a child, so a subject under 18 in SIG or the exit programme always has a youth
 * concern beside it: whether a rule said so (`alsoForMinors`), a rule forgot to, a coordinator
 * routed the triage by hand or started the programme by type.
 */
export function alongsideOf(caseType: string, facts: Pick<ReferralFacts, 'ageYears'>): Array<'youth-concern'> {
  return facts.ageYears < 18 && voluntaryProgrammes.includes(caseType) ? ['youth-concern'] : [];
}
