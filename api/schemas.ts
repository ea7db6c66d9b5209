// Request bodies the API accepts, as zod schemas; query strings, path parameters and headers are in ./querySchemas.
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
import { caseFilters, checkCaseRange, maxOffset, unitCodeSchema } from './querySchemas';

/** Request bodies: the workflow messages' schemas less the actor, which comes from the caller's identity. */
export const completeTaskBody = completeTaskInputSchema.omit({ actor: true });
export const extendDeadlineBody = extendDeadlineInputSchema.omit({ actor: true });
export const acknowledgeEscalationBody = acknowledgeEscalationInputSchema.omit({ actor: true, escalationId: true });

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

/** A running note: free text, stored encrypted. */
export const noteBody = z.object({ text: z.string().trim().min(1, 'a note needs text').max(4000) }).strict();

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
  .strict()
  .superRefine(checkCaseRange);
export type CaseSearchBody = z.infer<typeof caseSearchBody>;
