import { z } from 'zod';
import { consentPersonRoles } from '../../domain/messages';
import { instant, nullableInstant } from './common';

/** Who consented is personal data: the role is shown, the name stays in the consent row. */
export const consentSchema = z.strictObject({
  consentId: z.string(),
  personRole: z.enum(consentPersonRoles),
  receivingAgency: z.string(),
  purpose: z.string(),
  /** "refused": the answer recorded was a refusal (givenAt is when it was given). */
  status: z.enum(['given', 'refused', 'withdrawn', 'expired']),
  givenAt: instant,
  expiresAt: nullableInstant,
  recordedBy: z.string(),
  withdrawnAt: nullableInstant,
  withdrawnBy: z.string().nullable(),
});

export function consentView(c: {
  id: string;
  personRole: string;
  receivingAgency: string;
  purpose: string;
  givenAt: Date;
  expiresAt: Date | null;
  recordedBy: string;
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
  refusedAt: Date | null;
}): z.infer<typeof consentSchema> {
  const expired = c.expiresAt !== null && c.expiresAt.getTime() <= Date.now();
  return {
    consentId: c.id,
    personRole: c.personRole as z.infer<typeof consentSchema>['personRole'],
    receivingAgency: c.receivingAgency,
    purpose: c.purpose,
    status: c.withdrawnAt ? 'withdrawn' : c.refusedAt ? 'refused' : expired ? 'expired' : 'given',
    givenAt: c.givenAt.toISOString(),
    expiresAt: c.expiresAt?.toISOString() ?? null,
    recordedBy: c.recordedBy,
    withdrawnAt: c.withdrawnAt?.toISOString() ?? null,
    withdrawnBy: c.withdrawnBy,
  };
}
