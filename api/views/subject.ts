import { z } from 'zod';
import { protectedIdentityMarker } from '../../domain/catalog';
import { instant, nullableInstant } from './common';

/** The protected-identity marker as every view of such a case carries it; null when the case is not marked. */
export const protectedIdentitySchema = z
  .strictObject({
    since: instant,
    /** Swedish: handle through protected channels, send no post (domain/messages.ts). */
    marker: z.literal(protectedIdentityMarker),
  })
  .nullable();

export function protectedIdentityView(at: Date | null): z.infer<typeof protectedIdentitySchema> {
  return at ? { since: at.toISOString(), marker: protectedIdentityMarker } : null;
}

/** GET /cases/:caseId/subject: the person the case is about, decrypted for this request only. */
export const subjectSchema = z
  .strictObject({
    caseId: z.string(),
    displayName: z.string().nullable(),
    /** The 12-digit form, YYYYMMDD-NNNN. */
    personalIdentityNumber: z.string().nullable(),
    /** From the personnummer (a samordningsnummer's day less 60); null without one. */
    birthDate: z.iso.date().nullable(),
    /** As the referral (or a correction) recorded it. */
    ageYears: z.number().int().nullable(),
    /** How many guardians the case records for a minor (consent needs each, under the default rule). */
    guardians: z.number().int().nullable(),
    /** What was reported. */
    narrative: z.string().nullable(),
    /** Contact details and address: null to all but coordinators when the case is protected identity (`withheld` says so). */
    contact: z.string().nullable(),
    address: z.string().nullable(),
    withheld: z.array(z.enum(['contact', 'address'])),
    protectedIdentity: protectedIdentitySchema,
    /** When a coordinator last corrected it; null when as referred. */
    correctedAt: nullableInstant,
    /** When retention removed the personal data (every field above is then null). */
    pseudonymisedAt: nullableInstant,
  })
  .describe('the subject, decrypted for this request only; the read is audited as subject.read');
export type SubjectBody = z.infer<typeof subjectSchema>;

/** POST /cases/:caseId/subject/corrections: which fields changed (never their values). */
export const subjectCorrectionSchema = z
  .strictObject({ caseId: z.string(), revisionId: z.string(), fields: z.array(z.string()), correctedAt: instant })
  .describe('corrected; what it replaced is kept, encrypted');

/** POST /cases/:caseId/protected-identity. */
export const protectedIdentityStateSchema = z
  .strictObject({ caseId: z.string(), protectedIdentity: protectedIdentitySchema })
  .describe('the case as now marked');

/** GET /cases/:caseId/subject/corrections: each correction, with what it replaced (only the fields it changed). */
export const subjectCorrectionsSchema = z
  .strictObject({
    caseId: z.string(),
    items: z.array(
      z.strictObject({
        revisionId: z.string(),
        replacedAt: instant,
        /** Who corrected, by user id, and their name as the staff directory last saw them (null when it has none). */
        replacedBy: z.string(),
        replacedByName: z.string().nullable(),
        fields: z.array(z.string()),
        /** The values replaced, decrypted for this request; null where nothing was there, or retention removed it. */
        previous: z.strictObject({
          displayName: z.string().nullable().optional(),
          personalIdentityNumber: z.string().nullable().optional(),
          ageYears: z.number().int().nullable().optional(),
          narrative: z.string().nullable().optional(),
          contact: z.string().nullable().optional(),
          address: z.string().nullable().optional(),
        }),
      }),
    ),
  })
  .describe("the subject's corrections, oldest first; the read is audited as subject.read");
export type SubjectCorrectionsBody = z.infer<typeof subjectCorrectionsSchema>;
