import { hasRole, type Principal } from '../../domain/auth';
import { ErrorCode } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { subjectContext } from './recordCase';
import { protectedIdentityView, type SubjectBody } from '../views/subject';

/** YYYY-MM-DD from the 12-digit personnummer; a samordningsnummer's day is the birth day plus 60. */
export function birthDateOf(pin: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})\d{4}$/.exec(pin);
  if (!m) return null;
  const day = Number(m[3]) > 60 ? Number(m[3]) - 60 : Number(m[3]);
  return `${m[1]}-${m[2]}-${String(day).padStart(2, '0')}`;
}

/** YYYYMMDD-NNNN, the form people read and write. */
export const displayPersonnummer = (pin: string) => (pin.length === 12 ? `${pin.slice(0, 8)}-${pin.slice(8)}` : pin);

/**
 * The person a case is about, decrypted on the server for this request only; the access check
 * (scope `caseVisible`) has already found the caller may see the case. With protected identity,
 * contact and address go to coordinators only.
 */
export async function readSubject(deps: ApiDeps, caseId: string, caller: Principal): Promise<SubjectBody> {
  const row = await deps.prisma.case.findUnique({
    where: { id: caseId },
    select: { startArgs: true, pseudonymisedAt: true, protectedIdentityAt: true, subject: true },
  });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  const s = row.subject;
  const open = (value: string | null | undefined, column: string) => (value ? deps.fieldCrypto.decrypt(value, subjectContext(caseId, column)) : null);
  const pin = open(s?.personalIdentityNumberEnc, 'personal_identity_number');
  const withheld: SubjectBody['withheld'] = row.protectedIdentityAt && !hasRole(caller, 'coordinator') ? ['contact', 'address'] : [];
  return {
    caseId,
    displayName: open(s?.displayNameEnc, 'display_name'),
    personalIdentityNumber: pin ? displayPersonnummer(pin) : null,
    birthDate: pin ? birthDateOf(pin) : null,
    ageYears: s?.ageYears ?? null,
    guardians: (row.startArgs as { guardians?: number } | null)?.guardians ?? null,
    narrative: open(s?.narrativeEnc, 'narrative'),
    contact: withheld.length ? null : open(s?.contactEnc, 'contact'),
    address: withheld.length ? null : open(s?.addressEnc, 'address'),
    withheld,
    protectedIdentity: protectedIdentityView(row.protectedIdentityAt),
    correctedAt: s?.updatedAt?.toISOString() ?? null,
    pseudonymisedAt: row.pseudonymisedAt?.toISOString() ?? null,
  };
}
