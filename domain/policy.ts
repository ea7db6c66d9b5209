import { z } from 'zod';
import { acuteThreatStep, caseDateKeys, escalationTargets, immediateProtectionStep, localTimeMessage, localTimePattern, reconfirmationStep, spanUnits } from './policyTerms';

export { acuteThreatStep, caseDateKeys, escalationTargets, immediateProtectionStep, reconfirmationStep, spanUnits };
export type { CaseDateKey, EscalationTarget } from './policyTerms';

/**
 * Deadline policies are data, versioned, and snapshotted into each case at start:
 * a running case keeps the version it started with even after an admin publishes a new one.
 */

const localTime = z.string().regex(localTimePattern, localTimeMessage);

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
      cutoffLocalTime: localTime,
      dueLocalTime: localTime,
    })
    .strict(),
]);
export type DeadlineRule = z.infer<typeof deadlineRuleSchema>;

export const reminderRuleSchema = z.union([
  z.object({ atFraction: z.number().gt(0).lt(1) }).strict(),
  z.object({ afterStart: spanSchema }).strict(),
  z.object({ beforeDue: spanSchema }).strict(),
  z.object({ atLocalTimeOnDueDay: localTime }).strict(),
]);
export type ReminderRule = z.infer<typeof reminderRuleSchema>;

/** One rung of the escalation ladder; `after` counts from the due time. */
export const escalationRuleSchema = z
  .object({
    after: spanSchema,
    target: z.enum(escalationTargets),
  })
  .strict();
export type EscalationRule = z.infer<typeof escalationRuleSchema>;

/**
 * What a step's deadline counts from. Absent: from when the task opens (the path of policies
 * that predate this field, kept for the cases that run on them).
 */
export const clockSchema = z.discriminatedUnion('from', [
  /** The referral's receipt (its stated receivedAt, else registration). */
  z.object({ from: z.literal('receipt') }).strict(),
  /** The completion of the step before it on its track. */
  z.object({ from: z.literal('previousStep') }).strict(),
  /** The moment consent to share with the step's agency is in force. */
  z.object({ from: z.literal('consent') }).strict(),
  /** A date the case states; the receipt when it states none. */
  z.object({ from: z.literal('statedDate'), date: z.enum(caseDateKeys) }).strict(),
  /** When the task opens (e.g. a review the case schedules). */
  z.object({ from: z.literal('opening') }).strict(),
]);
export type Clock = z.infer<typeof clockSchema>;

const outcomeCode = z.string().regex(/^[a-z][a-z0-9-]*$/);

export const stepPolicySchema = z
  .object({
    title: z.string().min(1),
    unitCode: z.string().min(1),
    /** Why the step is set as it is (the legal reading behind a choice); for people, not code. */
    rationale: z.string().optional(),
    clock: clockSchema.optional(),
    deadline: deadlineRuleSchema,
    reminders: z.array(reminderRuleSchema).default([]),
    escalation: z.array(escalationRuleSchema).min(1),
    /**
     * After the last rung, the task escalates again (to the last rung's target) this long after
     * the previous escalation, until it is done or extended; an acknowledged escalation of a task
     * still open comes back at the next rung this long after the acknowledgement.
     */
    repeatEscalationEvery: spanSchema.optional(),
    /** Who besides the unit's inbox hears at once when the task opens (urgent work). */
    notifyOnOpen: z.array(z.enum(escalationTargets)).optional(),
    outcomes: z.array(outcomeCode).min(1),
    /** A legal duty (e.g. LUL 6 §) the task rests on; recorded on the task, and such a task needs no consent. */
    legalBasis: z.string().optional(),
    /**
     * Sharing this task with its unit needs consent for `agency` and `purpose`. Until it exists
     * the task shows as waiting for consent, due by `waitDeadline`; on lapse the coordinator's
     * supervisor (`waitUnitCode`) is told.
     */
    consent: z
      .object({
        agency: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/),
        purpose: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/),
        waitDeadline: deadlineRuleSchema,
        waitUnitCode: z.string().min(1).optional(),
        /** The wait's own ladder (default: the wait unit's supervisor as it lapses); it repeats like the task's. */
        waitEscalation: z.array(escalationRuleSchema).min(1).optional(),
        /** Outcomes that may be given while the task still waits (e.g. "not-needed"): they share nothing. */
        outcomesWhileWaiting: z.array(outcomeCode).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => !(s.consent && s.legalBasis), { message: 'a step rests either on consent or on a legal basis, not both' })
  .refine((s) => (s.consent?.outcomesWhileWaiting ?? []).every((o) => s.outcomes.includes(o)), {
    message: 'consent.outcomesWhileWaiting must be outcomes of the step',
  })
  .refine((s) => s.clock?.from !== 'consent' || s.consent, { message: 'a clock from consent needs a consent gate' });
export type StepPolicy = z.infer<typeof stepPolicySchema>;

export const guardianRules = ['one', 'all-registered'] as const;
export type GuardianRule = (typeof guardianRules)[number];

/** How consent works in a case type (absent in policies that predate it). */
export const consentRulesSchema = z
  .object({
    /** For a minor: "one" guardian, or "all-registered" guardians the case records (FB 6:13). */
    guardianRule: z.enum(guardianRules),
    /** How long a consent lasts when it is recorded without an end (SIG: re-confirmed yearly). */
    validFor: spanSchema.optional(),
    /** How long before a consent ends the coordinators get a re-confirmation task. */
    reconfirmBefore: spanSchema.optional(),
  })
  .strict();

/** The languages a policy's own texts (step titles, legal basis, rationale) may be written in. */
export const textLanguages = ['sv', 'en'] as const;
export type TextLanguage = (typeof textLanguages)[number];

export const caseTypes = ['youth-concern', 'social-intervention-group', 'exit-programme', 'triage'] as const;
export type CaseType = (typeof caseTypes)[number];

export const policyDocumentSchema = z
  .object({
    caseType: z.enum(caseTypes),
    version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    timeZone: z.literal('Europe/Stockholm').default('Europe/Stockholm'),
    holidayCalendar: z.literal('SE').default('SE'),
    steps: z.record(z.string(), stepPolicySchema),
    /** Repeating steps (SIG reviews, exit follow-ups): the gap between one occurrence and the next. */
    intervals: z.record(z.string(), spanSchema).optional(),
    /** Continue-as-new after this many repetitions, so a long case keeps a bounded history. */
    cyclesPerRun: z.number().int().min(1).max(100).optional(),
    consentRules: consentRulesSchema.optional(),
    /**
     * Who sees a case (domain/needToKnow.ts). By default each unit sees only what its own tasks
     * open; `agencyWide` names agencies whose units see as one, where that is documented practice.
     */
    access: z.object({ agencyWide: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,63}$/)).default([]) }).strict().optional(),
    /** How long after closing a coordinator may reopen a case (domain/caseClosing.ts has the default). */
    reopenWithin: spanSchema.optional(),
    /**
     * The language of the policy's own texts (titles, legal basis, rationale), for the pages that
     * show them. Absent: English, as every version published before the field was.
     */
    textLanguage: z.enum(textLanguages).optional(),
  })
  .strict()
  .refine((p) => !p.consentRules?.reconfirmBefore || reconfirmationStep in p.steps, {
    message: `consentRules.reconfirmBefore needs a ${reconfirmationStep} step`,
  });
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/** The language a version's texts are in: its `textLanguage`, else English (versions from before the field). */
export const policyTextLanguage = (doc: Pick<PolicyDocument, 'textLanguage'>): TextLanguage => doc.textLanguage ?? 'en';

export const youthConcernSteps = ['protectionAssessment', 'investigationDecision', 'investigation'] as const;
export type YouthConcernStep = (typeof youthConcernSteps)[number];

/** Steps of the police track (LUL), run in parallel when the subject is 15–17 and suspected. */
export const youthConcernPoliceSteps = ['lulNotification', 'policeInvestigation', 'prosecutorStatement'] as const;
export const youthConcernLaterSteps = ['interventionPlan', 'followUp'] as const;

export const sigSteps = ['actionPlan', 'policeContribution', 'review'] as const;
export const exitSteps = [
  'firstConversation',
  'initialAssessment',
  'mapping',
  'workingGroup',
  'threatAssessment',
  'acuteThreatAssessment',
  'jointPlanHousing',
  'jointPlanEmployment',
  'jointPlanAddiction',
  'jointPlanPolice',
  'followUp',
] as const;
export const triageSteps = ['triage'] as const;

const requiredSteps: Record<CaseType, readonly string[]> = {
  'youth-concern': youthConcernSteps,
  'social-intervention-group': sigSteps,
  'exit-programme': exitSteps,
  triage: triageSteps,
};
/** The order a case of each type meets its steps: the police track runs beside the social one from the start. */
const caseStepOrder: Record<CaseType, readonly string[]> = {
  'youth-concern': [youthConcernSteps[0], immediateProtectionStep, ...youthConcernSteps.slice(1), ...youthConcernPoliceSteps, ...youthConcernLaterSteps],
  'social-intervention-group': sigSteps,
  'exit-programme': exitSteps,
  triage: triageSteps,
};
/** Not met in turn, after a case type's own steps: the reconfirmation before consent ends, then the acute threat, whenever one is raised. */
const stepsOutOfTurn = [reconfirmationStep, acuteThreatStep];

/**
 * A policy's steps in the order a case meets them (a stored document's keys come back in the
 * database's order, not the published one); any step the order does not know comes last, as given.
 */
export function inCaseStepOrder<T>(caseType: CaseType, steps: Record<string, T>): Record<string, T> {
  return Object.fromEntries(caseStepEntries(caseType, Object.entries(steps)));
}

/** Entries keyed by step, in the order a case of the type meets them (see inCaseStepOrder). */
export function caseStepEntries<T>(caseType: CaseType, entries: Array<[string, T]>): Array<[string, T]> {
  const order = [...caseStepOrder[caseType], ...stepsOutOfTurn];
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return [...entries].sort((a, b) => rank(a[0]) - rank(b[0]));
}

const requiredIntervals: Partial<Record<CaseType, readonly string[]>> = {
  'social-intervention-group': ['review'],
  'exit-programme': ['followUp'],
};

/**
 * Outcomes a case type's workflow acts on for the child's safety, by step: a version without one
 * would leave its path unreachable (immediate protection never opened, a report never
 * investigated; DOMAIN.md). Other outcomes the workflows read (a follow-up's measures-continue, a
 * review's close-case, an exit case's declined) only end or repeat work, and stay the policy's choice.
 */
export const safetyOutcomes: Partial<Record<CaseType, Readonly<Record<string, readonly string[]>>>> = {
  'youth-concern': { protectionAssessment: ['immediate-protection-needed'], investigationDecision: ['open-investigation'] },
};

/** The safety outcomes a policy's steps do not offer (a missing step is missingSteps' to name). */
export function missingSafetyOutcomes(policy: PolicyDocument): Array<{ step: string; outcome: string }> {
  const needed = Object.entries(safetyOutcomes[policy.caseType] ?? {});
  return needed.flatMap(([step, outcomes]) => {
    const offered = policy.steps[step]?.outcomes;
    return offered ? outcomes.filter((o) => !offered.includes(o)).map((outcome) => ({ step, outcome })) : [];
  });
}

/** Checks a policy has every step (and interval) its case type needs; returns the missing ones. */
export function missingSteps(policy: PolicyDocument): string[] {
  const steps = requiredSteps[policy.caseType].filter((step) => !(step in policy.steps));
  const intervals = (requiredIntervals[policy.caseType] ?? []).filter((k) => !(k in (policy.intervals ?? {}))).map((k) => `intervals.${k}`);
  return [...steps, ...intervals];
}
