import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../domain/errors';
import { normalisePersonnummer } from '../../security/personnummer';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { CorrectSubjectBody } from '../schemas';
import { subjectContext } from './recordCase';

/** The encrypted columns a correction can change, by the body's field name. */
const columns = {
  displayName: { column: 'display_name', key: 'displayNameEnc' },
  personalIdentityNumber: { column: 'personal_identity_number', key: 'personalIdentityNumberEnc' },
  narrative: { column: 'narrative', key: 'narrativeEnc' },
  contact: { column: 'contact', key: 'contactEnc' },
  address: { column: 'address', key: 'addressEnc' },
} as const;
type EncryptedField = keyof typeof columns;

/** AAD for a revision's column: what a correction replaced decrypts only in its own revision row. */
export const revisionContext = (revisionId: string, column: string) => `case_subject_revision.${column}:${revisionId}`;

/**
 * A coordinator corrects the subject: in one transaction, what the named fields held is kept in a
 * revision row (re-encrypted, bound to that row), then the subject takes the new values (the
 * personnummer with its lookup hash). Returns which fields changed, never their values.
 */
export async function correctSubject(deps: ApiDeps, caseId: string, body: CorrectSubjectBody, actor: string) {
  const { prisma, fieldCrypto } = deps;
  const fields = (Object.keys(body) as Array<keyof CorrectSubjectBody>).filter((f) => body[f] !== undefined);
  const revisionId = randomUUID();
  const now = new Date();
  await prisma.$transaction(async (tx) => {
    // One correction at a time per subject, so each revision holds what the one before left.
    const locked = await tx.$queryRaw<Array<{ pseudonymised: boolean }>>`
      SELECT c.pseudonymised_at IS NOT NULL AS pseudonymised FROM case_subject s JOIN "case" c ON c.id = s.case_id
      WHERE s.case_id = ${caseId} FOR UPDATE OF s`;
    if (!locked.length) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
    if (locked[0].pseudonymised) throw new AppError(ErrorCode.SubjectPseudonymised, 'retention has removed this case\'s personal data; there is nothing to correct');
    const current = await tx.caseSubject.findUniqueOrThrow({ where: { caseId } });
    const kept: Record<string, string | number | null> = {};
    const next: Record<string, string | number | null> = {};
    for (const f of fields) {
      if (f === 'ageYears') {
        kept.ageYears = current.ageYears;
        next.ageYears = body.ageYears!;
        continue;
      }
      const { column, key } = columns[f as EncryptedField];
      const old = current[key];
      kept[key] = old ? fieldCrypto.encrypt(fieldCrypto.decrypt(old, subjectContext(caseId, column)), revisionContext(revisionId, column)) : null;
      let value = body[f as EncryptedField] ?? null;
      if (f === 'personalIdentityNumber') {
        value = value ? normalisePersonnummer(value) : null;
        next.personalIdentityNumberHash = value ? fieldCrypto.lookupHash(value) : null;
      }
      next[key] = value ? fieldCrypto.encrypt(value, subjectContext(caseId, column)) : null;
    }
    await tx.caseSubjectRevision.create({ data: { id: revisionId, caseId, ...kept, fields: fields.join(','), replacedBy: actor, replacedAt: now } });
    await tx.caseSubject.update({ where: { caseId }, data: { ...next, updatedAt: now } });
  });
  return { caseId, revisionId, fields, correctedAt: now.toISOString() };
}
