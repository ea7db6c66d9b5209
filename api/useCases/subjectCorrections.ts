import type { ApiDeps } from '../context';
import type { SubjectCorrectionsBody } from '../views/subject';
import { revisionContext } from './correctSubject';
import { displayPersonnummer } from './readSubject';
import { staffNames } from './staffNames';

/**
 * The subject's corrections, oldest first: who changed which fields (named from the staff directory,
 * in one read), when, and what each replaced, decrypted for this request only (null once retention
 * has removed it).
 */
export async function listSubjectCorrections(deps: ApiDeps, caseId: string): Promise<SubjectCorrectionsBody> {
  const rows = await deps.prisma.caseSubjectRevision.findMany({ where: { caseId }, orderBy: [{ replacedAt: 'asc' }, { id: 'asc' }] });
  const names = await staffNames(deps, rows.map((r) => r.replacedBy));
  return {
    caseId,
    items: rows.map((r) => {
      const open = (value: string | null, column: string) => (value ? deps.fieldCrypto.decrypt(value, revisionContext(r.id, column)) : null);
      const fields = r.fields.split(',').filter(Boolean);
      const pin = open(r.personalIdentityNumberEnc, 'personal_identity_number');
      const all = {
        displayName: open(r.displayNameEnc, 'display_name'),
        personalIdentityNumber: pin ? displayPersonnummer(pin) : null,
        ageYears: r.ageYears,
        narrative: open(r.narrativeEnc, 'narrative'),
        contact: open(r.contactEnc, 'contact'),
        address: open(r.addressEnc, 'address'),
      };
      const previous = Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f as keyof typeof all]]));
      return { revisionId: r.id, replacedAt: r.replacedAt.toISOString(), replacedBy: r.replacedBy, replacedByName: names.get(r.replacedBy) ?? null, fields, previous };
    }),
  };
}
