import { z } from 'zod';
import { consentPersonRoles } from '../domain/messages';
import {
  acknowledgeEscalationInputSchema,
  closeCaseInputSchema,
  completeTaskInputSchema,
  extendDeadlineInputSchema,
  agencyCode,
  purposeCode,
  raiseAcuteThreatInputSchema,
} from '../domain/messageSchemas';
import { caseDateKeys, caseTypes } from '../domain/policy';
import { concernCategories, urgencies } from '../domain/routing';
import { isValidPersonnummer } from '../security/personnummer';
import { watchdogKinds } from '../domain/watchdog';

/** Request bodies: the workflow messages' schemas less the actor, which comes from the caller's identity. */
export const completeTaskBody = completeTaskInputSchema.omit({ actor: true });
export const extendDeadlineBody = extendDeadlineInputSchema.omit({ actor: true });
export const acknowledgeEscalationBody = acknowledgeEscalationInputSchema.omit({ actor: true, escalationId: true });

export { concernCategories };

export const referralBody = z
.object({
  sourceAgency: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be an agency code such as "police"'),
  category: z.enum(concernCategories),
  urgency: z.enum(urgencies).default('normal'),
  suspectedOfCrime: z.boolean().default(false),
  /** The school or district the referral concerns; routing may use it. */
  district: z.string().trim().min(1).max(100).optional(),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  subject: z
    .object({
      displayName: z.string().trim().min(1).max(200).optional(),
      // Checksum and coordination numbers included; the message never repeats the value.
      personalIdentityNumber: z
        .string()
        .max(13)
        .refine(isValidPersonnummer, 'must be a valid personnummer or samordningsnummer (YYYYMMDD-NNNN)')
        .optional(),
      ageYears: z.number().int().min(0).max(120),
      /** How many guardians a minor has (joint custody: 2); consent then needs each of them. */
      guardians: z.number().int().min(0).max(4).optional(),
    })
    .strict(),
  narrative: z.string().max(20_000).optional(),
  /** Dates the case states beside its receipt, e.g. when the police notified the suspicion (LUL 4 §). */
  dates: z.partialRecord(z.enum(caseDateKeys), z.iso.datetime({ offset: true })).optional(),
})
.strict();
export type ReferralBody = z.infer<typeof referralBody>;

/** POST /cases names the case type; POST /referrals lets the routing table decide it. */
export const startCaseBody = z.object({ caseType: z.enum(caseTypes), referral: referralBody }).strict();
export type StartCaseBody = z.infer<typeof startCaseBody>;
export const routeReferralBody = z.object({ referral: referralBody }).strict();

export const recordConsentBody = z
  .object({
    personRole: z.enum(consentPersonRoles),
    /** Who consented (e.g. the guardian's name): stored in PostgreSQL only. */
    personName: z.string().trim().min(1).max(200).optional(),
    receivingAgency: agencyCode,
    purpose: purposeCode,
    givenAt: z.iso.datetime({ offset: true }).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type RecordConsentBody = z.infer<typeof recordConsentBody>;

/** A refusal: who said no (role, and optionally name, stored encrypted), to which agency, for what. */
export const refuseConsentBody = recordConsentBody
  .pick({ personRole: true, personName: true, receivingAgency: true, purpose: true })
  .extend({ refusedAt: z.iso.datetime({ offset: true }).optional() })
  .strict();
export type RefuseConsentBody = z.infer<typeof refuseConsentBody>;

/** The reason a threat turned acute (3–2000 characters); the actor is the caller. */
export const raiseAcuteThreatBody = raiseAcuteThreatInputSchema.omit({ actor: true });
export type RaiseAcuteThreatBody = z.infer<typeof raiseAcuteThreatBody>;


/** A whole number in a query string: digits only, since z.coerce would read "" or " " as 0. */
const queryInt = (min: number, max: number, fallback: number, tooBig?: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max, tooBig))
    .default(fallback);

export const idParam = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be an id of letters, digits, dot, dash or underscore');

/** The case and task ids of a path, for its audit row, only when well-formed: never echo arbitrary input. */
export function wellFormedIds({ caseId, taskId }: Record<string, string | undefined>): { caseId?: string; taskId?: string } {
  return {
    ...(caseId !== undefined && idParam.safeParse(caseId).success ? { caseId } : {}),
    ...(taskId !== undefined && idParam.safeParse(taskId).success ? { taskId } : {}),
  };
}

export const unitCodeSchema = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a unit code such as "soc-children-youth"');
/**
 * How far a list may be paged: deep offsets make the database walk every row before the page,
 * so past this a caller narrows its filters (dates, unit, status) instead.
 */
export const maxOffset = 10_000;
const page = {
  limit: queryInt(1, 200, 50),
  offset: queryInt(0, maxOffset, 0, `must be at most ${maxOffset}: narrow the filters to reach older rows`),
};
const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const isoInstant = z.iso.datetime({ offset: true });

/** A page of a list that has no filters of its own (a case's or task's notes). */
export const pageQuery = z.object({ ...page }).strict();

/** A running note: free text, stored encrypted. */
export const noteBody = z.object({ text: z.string().trim().min(1, 'a note needs text').max(4000) }).strict();

/** A unit's inbox: GET /units/:unitCode/tasks. */
export const taskListQuery = z
  .object({
    status: z.enum(['open', 'completed', 'all']).default('open'),
    overdue: booleanQuery.optional(),
    dueBefore: isoInstant.optional(),
    caseType: z.enum(caseTypes).optional(),
    ...page,
  })
  .strict();

/** Every task the caller may see: GET /tasks; `mine=true` is the caller's own inbox (tasks they hold). */
export const taskSearchQuery = taskListQuery.extend({ unit: unitCodeSchema.optional(), mine: booleanQuery.optional() }).strict();
export type TaskSearchQuery = z.infer<typeof taskSearchQuery>;

export const auditQuery = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    caseId: idParam.optional(),
    taskId: idParam.optional(),
    action: z.string().regex(/^[a-z.]{1,64}$/, 'must be an action such as "case.read"').optional(),
    requestId: z.uuid().optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    ...page,
  })
  .strict();

/** The longest span one report covers (a leap year fits): a wider one is refused, not computed. */
export const maxReportDays = 366;
const dayMs = 86_400_000;

/** The span a report covers: `to` defaults to now, `from` to `maxReportDays` before `to`. */
export function reportRange(query: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : new Date();
  return { from: query.from ? new Date(query.from) : new Date(to.getTime() - maxReportDays * dayMs), to };
}

export const reportQuery = z
  .object({
    unit: unitCodeSchema.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    const { from, to } = reportRange(query);
    const span = to.getTime() - from.getTime();
    // Each field the caller sent is named; `to` left out means now.
    const named = (['from', 'to'] as const).filter((f) => query[f] !== undefined);
    const problem = span <= 0 ? 'from must be earlier than to (now, when to is left out)' : span > maxReportDays * dayMs ? `from and to may be at most ${maxReportDays} days apart (to left out means now)` : undefined;
    for (const field of problem ? named : []) ctx.addIssue({ code: 'custom', path: [field], message: problem! });
  });

export const escalationListQuery = z
  .object({
    status: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
    unit: unitCodeSchema.optional(),
    ...page,
  })
  .strict();

/** GET /watchdog/findings: open ones by default, optionally of one kind or one unit. */
export const watchdogFindingListQuery = z
  .object({
    status: z.enum(['open', 'resolved', 'all']).default('open'),
    kind: z.enum(watchdogKinds).optional(),
    unit: unitCodeSchema.optional(),
    ...page,
  })
  .strict();

/** GET /watchdog/runs: the sweeps, newest first. */
export const watchdogRunListQuery = z.object({ ...page }).strict();

export const notificationListQuery = z
  .object({
    status: z.enum(['pending', 'sending', 'failing', 'sent', 'all']).default('failing'),
    unit: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/).optional(),
    ...page,
  })
  .strict();

/** A client-chosen key that makes retrying POST /cases safe (a UUID is typical). */
export const idempotencyKeyHeader = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8 to 128 letters, digits, dot, dash, colon or underscore');

/** The registry: an agency (code and name), a unit (its agency, name and three addresses). */
export const agencyCodeSchema = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be an agency code such as "kronofogden"');
const registryName = z.string().trim().min(2).max(200);
export const createAgencyBody = z.object({ code: agencyCodeSchema, name: registryName }).strict();
export const updateAgencyBody = z.object({ name: registryName }).strict();
const unitFields = {
  name: registryName,
  notificationEmail: z.email(),
  supervisorEmail: z.email(),
  headEmail: z.email(),
};
export const createUnitBody = z.object({ code: unitCodeSchema, agency: agencyCodeSchema, ...unitFields }).strict();
/** Any of a unit's fields; `active: false` deactivates it (no open work may remain), `true` takes it back into use. */
export const updateUnitBody = z
  .object({
    name: unitFields.name.optional(),
    notificationEmail: unitFields.notificationEmail.optional(),
    supervisorEmail: unitFields.supervisorEmail.optional(),
    headEmail: unitFields.headEmail.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');

/** A coordinator's routing decision on a triage task: the case type (not triage again) and its optional tracks. */
export const routeTriageBody = z
  .object({
    caseType: z.enum(['youth-concern', 'social-intervention-group', 'exit-programme']),
    tracks: z.array(z.enum(['police-lul', 'acute-threat'])).max(2).default([]),
  })
  .strict();

/** A coordinator adds a joint-plan task for a unit; what it is about becomes the task's running note (encrypted). */
export const addPlanTaskBody = z.object({ unitCode: unitCodeSchema, about: z.string().trim().min(1).max(4000).optional() }).strict();

/** A POST that takes nothing but its path: any field sent is refused, not ignored. */
export const emptyBody = z.object({}).strict();

/** A supervisor gives a task to a person of the unit, named by their user id (the token's `sub`). */
export const assignTaskBody = z.object({ assignee: z.string().regex(/^[A-Za-z0-9._@:|-]{1,200}$/, 'must be a user id') }).strict();

/** A supervisor moves a task to another unit, saying why (kept encrypted; never emailed). */
export const reassignTaskBody = z
  .object({
    unitCode: unitCodeSchema,
    reason: z.string().trim().min(3, 'a reason of at least 3 characters is required').max(2000),
  })
  .strict();

/** A coordinator closes a case with one of the reason codes. */
export const closeCaseBody = closeCaseInputSchema.omit({ actor: true });

/** A coordinator reopens a closed case from a step, saying why (kept encrypted). */
export const reopenCaseBody = z
  .object({
    fromStep: z.string().regex(/^[a-zA-Z]{1,64}$/, 'must be a step key such as "investigationDecision"'),
    reason: z.string().trim().min(3, 'a reason of at least 3 characters is required').max(2000),
  })
  .strict();

/** Path parameters, one object per shape of path. */
export const caseParams = z.object({ caseId: idParam }).strict();
export const taskParams = z.object({ taskId: idParam }).strict();

/** POST /cases and POST /referrals read an optional Idempotency-Key. */
export const idempotencyHeaders = z.object({ 'Idempotency-Key': idempotencyKeyHeader.optional() });

/**
 * A coordinator's correction of the subject (POST /cases/:caseId/subject/corrections): only the
 * fields named change; null clears one. The values replaced are kept, encrypted (README "The person").
 */
export const correctSubjectBody = z
  .object({
    displayName: z.string().trim().min(1).max(200).nullable().optional(),
    personalIdentityNumber: z
      .string()
      .max(13)
      .refine(isValidPersonnummer, 'must be a valid personnummer or samordningsnummer (YYYYMMDD-NNNN)')
      .nullable()
      .optional(),
    ageYears: z.number().int().min(0).max(120).optional(),
    narrative: z.string().max(20_000).nullable().optional(),
    /** Phone, email or other ways to reach the person. */
    contact: z.string().trim().min(1).max(500).nullable().optional(),
    address: z.string().trim().min(1).max(500).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one field to correct');
export type CorrectSubjectBody = z.infer<typeof correctSubjectBody>;

/** Marking (or, with false, unmarking) a case as protected identity: POST /cases/:caseId/protected-identity. */
export const protectedIdentityBody = z.object({ protectedIdentity: z.boolean() }).strict();

/** Filters a case search shares between GET /cases and POST /cases/search. */
const caseFilters = {
  caseId: idParam.optional(),
  status: z.enum(['starting', 'open', 'closed']).optional(),
  caseType: z.enum(caseTypes).optional(),
  /** Cases with a task at this unit (for others than coordinators, one of their own units). */
  unit: unitCodeSchema.optional(),
  /** Received (created) at or after `from`, before `to`. */
  from: isoInstant.optional(),
  to: isoInstant.optional(),
};

/** GET /cases: find cases by id, status, type, unit, overdue and date range (never by personnummer: see POST /cases/search). */
export const caseSearchQuery = z.object({ ...caseFilters, overdue: booleanQuery.optional(), ...page }).strict();
export type CaseSearchQuery = z.infer<typeof caseSearchQuery>;

/**
 * POST /cases/search: a coordinator finds a person's cases by personnummer, in the body so it never
 * reaches a URL, an access log or a proxy's log (README "Finding cases").
 */
export const caseSearchBody = z
  .object({
    /** Optional only so the body can also carry the filters alone; a coordinator's search by person names it. */
    personalIdentityNumber: z.string().max(13).refine(isValidPersonnummer, 'must be a valid personnummer or samordningsnummer (YYYYMMDD-NNNN)').optional(),
    ...caseFilters,
    overdue: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).default(50),
    offset: z.number().int().min(0).max(maxOffset, `must be at most ${maxOffset}: narrow the filters to reach older rows`).default(0),
  })
  .strict();
export type CaseSearchBody = z.infer<typeof caseSearchBody>;
