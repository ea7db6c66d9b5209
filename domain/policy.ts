import { z } from 'zod';

/**
 * Deadline policies are data, versioned, and snapshotted into each case at start:
 * a running case keeps the version it started with even after an admin publishes a new one.
 */

export const spanUnits = ['seconds', 'minutes', 'hours', 'calendarDays', 'workingDays', 'weeks', 'months'] as const;

export const spanSchema = z
  .object({
    amount: z.number().nonnegative(),
    unit: z.enum(spanUnits),
  })
  .strict();
export type Span = z.infer<typeof spanSchema>;

/** When a task falls due, counted from the moment it is opened. */
export const deadlineRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('span'), span: spanSchema }).strict(),
  /**
   * "Same day": due at `dueLocalTime` on the day of receipt when that is a working day and
   * receipt is before `cutoffLocalTime`; otherwise at `dueLocalTime` the next working day.
   */
  z
    .object({
      kind: z.literal('sameWorkingDay'),
      cutoffLocalTime: z.string().regex(/^\d{2}:\d{2}$/),
      dueLocalTime: z.string().regex(/^\d{2}:\d{2}$/),
    })
    .strict(),
]);
export type DeadlineRule = z.infer<typeof deadlineRuleSchema>;

export const reminderRuleSchema = z.union([
  z.object({ atFraction: z.number().gt(0).lt(1) }).strict(),
  z.object({ afterStart: spanSchema }).strict(),
  z.object({ beforeDue: spanSchema }).strict(),
  z.object({ atLocalTimeOnDueDay: z.string().regex(/^\d{2}:\d{2}$/) }).strict(),
]);
export type ReminderRule = z.infer<typeof reminderRuleSchema>;

export const escalationTargets = ['unitSupervisor', 'unitHead'] as const;
export type EscalationTarget = (typeof escalationTargets)[number];

/** One rung of the escalation ladder; `after` counts from the due time. */
export const escalationRuleSchema = z
  .object({
    after: spanSchema,
    target: z.enum(escalationTargets),
  })
  .strict();
export type EscalationRule = z.infer<typeof escalationRuleSchema>;

export const stepPolicySchema = z
  .object({
    title: z.string().min(1),
    unitCode: z.string().min(1),
    deadline: deadlineRuleSchema,
    reminders: z.array(reminderRuleSchema).default([]),
    escalation: z.array(escalationRuleSchema).min(1),
    outcomes: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1),
    legalBasis: z.string().optional(),
  })
  .strict();
export type StepPolicy = z.infer<typeof stepPolicySchema>;

export const caseTypes = ['youth-concern'] as const;
export type CaseType = (typeof caseTypes)[number];

export const policyDocumentSchema = z
  .object({
    caseType: z.enum(caseTypes),
    version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    timeZone: z.literal('Europe/Stockholm').default('Europe/Stockholm'),
    holidayCalendar: z.literal('SE').default('SE'),
    steps: z.record(z.string(), stepPolicySchema),
  })
  .strict();
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

export const youthConcernSteps = ['protectionAssessment', 'investigationDecision', 'investigation'] as const;
export type YouthConcernStep = (typeof youthConcernSteps)[number];

/** Checks a policy has every step its case type needs; returns the missing ones. */
export function missingSteps(policy: PolicyDocument): string[] {
  const required: readonly string[] = policy.caseType === 'youth-concern' ? youthConcernSteps : [];
  return required.filter((step) => !(step in policy.steps));
}
