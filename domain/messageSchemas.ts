import { z } from 'zod';
import { closeReasons } from './caseClosing';
import { consentPersonRoles } from './messages';
import { stepPolicySchema } from './policy';

/**
 * The zod schemas of the messages in domain/messages.ts: the API's bodies and the messages' types
 * come from these. Workflow code checks the same shapes with domain/messageChecks.ts instead, so
 * zod stays out of the workflow bundle; test/unit/messageChecks.test.ts keeps the two in step.
 */

const actorSchema = z.string().trim().min(1).max(128);
const isoInstant = z.iso.datetime({ offset: true });

export const completeTaskInputSchema = z
  .object({
    outcome: z.string().min(1).max(64),
    note: z.string().max(4000).optional(),
    actor: actorSchema,
  })
  .strict();

export const extendDeadlineInputSchema = z
  .object({
    newDueAt: isoInstant,
    justification: z.string().trim().min(10, 'a written justification of at least 10 characters is required').max(4000),
    actor: actorSchema,
  })
  .strict();

export const acknowledgeEscalationInputSchema = z
  .object({
    escalationId: z.string().min(1).max(200),
    note: z.string().max(4000).optional(),
    actor: actorSchema,
  })
  .strict();

export const reassignTaskInputSchema = z
  .object({
    unitCode: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a unit code such as "soc-adults"'),
    actor: actorSchema,
  })
  .strict();

export const closeCaseInputSchema = z
  .object({
    reason: z.enum(closeReasons),
    actor: actorSchema,
  })
  .strict();

export const raiseAcuteThreatInputSchema = z
  .object({
    reason: z.string().trim().min(3).max(2000),
    actor: actorSchema,
  })
  .strict();

export const agencyCode = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be an agency code such as "police"');
export const purposeCode = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a purpose code such as "sig"');

export const consentChangedInputSchema = z
  .object({
    consentId: z.string().min(1).max(64),
    personRole: z.enum(consentPersonRoles),
    agency: agencyCode,
    purpose: purposeCode,
    status: z.enum(['given', 'withdrawn', 'refused']),
    /** When the answer was given; absent in signals from before refusals. */
    givenAt: isoInstant.optional(),
    expiresAt: isoInstant.optional(),
    /** When the coordinators get a re-confirmation task (the policy's interval before expiresAt). */
    reconfirmAt: isoInstant.optional(),
  })
  .strict();

export const taskConsentInputSchema = z
  .object({ granted: z.boolean(), refused: z.boolean().optional(), expired: z.boolean().optional() })
  .strict();

export const addPlanTaskInputSchema = z.object({ step: stepPolicySchema, actor: actorSchema }).strict();
