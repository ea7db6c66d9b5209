import { createHash, randomBytes } from 'node:crypto';
import type { CaseWorkflowInput, RoutingDecision } from '../../domain/messages';
import type { CaseType } from '../../domain/policy';
import { normalisePersonnummer } from '../../security/personnummer';
import { auditColumns, type AuditRow } from '../audit';
import type { ApiDeps } from '../context';
import type { ReferralBody } from '../schemas';

/**
 * The record-case statement: a case, its encrypted subject and the request's audit row in one
 * round trip, and the ids it records them under.
 */

const refAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U to misread

/** A case reference that is safe to put in emails, IDs and logs: random, never derived from the person. */
export function newCaseId(now: Date): string {
  // 40 random bits, five per character.
  const bits = randomBytes(5).readUIntBE(0, 5);
  let suffix = '';
  for (let i = 7; i >= 0; i--) suffix += refAlphabet[Math.floor(bits / 32 ** i) % 32];
  return `VPC-${now.getUTCFullYear()}-${suffix}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The case id a keyed request gets: the same on every retry, so a retry finds its workflow. */
export function caseIdForKey(keyHash: string, now: Date): string {
  const bytes = Buffer.from(keyHash, 'hex');
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += refAlphabet[bytes[i] % refAlphabet.length];
  return `VPC-${now.getUTCFullYear()}-${suffix}`;
}

/** AAD for an encrypted subject column: binds the ciphertext to its row and column. */
export const subjectContext = (caseId: string, column: string) => `case_subject.${column}:${caseId}`;

/** The subject's columns for case `caseId`: personal data encrypted (bound to the row), the personnummer also as a keyed hash. */
export function subjectColumns({ fieldCrypto }: ApiDeps, caseId: string, referral: ReferralBody) {
  const enc = (value: string | undefined, column: string) => (value ? fieldCrypto.encrypt(value, subjectContext(caseId, column)) : null);
  const pin = referral.subject.personalIdentityNumber ? normalisePersonnummer(referral.subject.personalIdentityNumber) : undefined;
  return {
    displayNameEnc: enc(referral.subject.displayName, 'display_name'),
    personalIdentityNumberEnc: enc(pin, 'personal_identity_number'),
    personalIdentityNumberHash: pin ? fieldCrypto.lookupHash(pin) : null,
    ageYears: referral.subject.ageYears,
    narrativeEnc: enc(referral.narrative, 'narrative'),
  };
}
export type SubjectColumns = ReturnType<typeof subjectColumns>;
export interface RecordedCase {
  policyId: string;
  policyVersion: string;
  /** False when the referral's source agency is not in the registry: nothing was written. */
  agencyKnown: boolean;
  /** Null when the agency is unknown, or the id or Idempotency-Key is taken: nothing was written. */
  caseId: string | null;
  linkedCaseId: string | null;
}

/** The person's first case ($11: keyed hash of the personnummer); later cases link to it. */
const firstCaseOfPerson = `(
      SELECT coalesce(c.linked_case_id, c.id)
      FROM case_subject s JOIN "case" c ON c.id = s.case_id
      WHERE s.personal_identity_number_hash = $11::text
      ORDER BY s.created_at
      LIMIT 1)`;

/**
 * One round trip (a named prepared statement): picks the active policy, checks that the referring
 * agency ($4) is in the registry (one lookup of its unique code), finds the person's first case by
 * the keyed hash of the personnummer, writes the case row ("starting"), its encrypted subject and,
 * when given ($16 on), the request's audit row. No active policy: no row at all. Agency not in the
 * registry: a row with agencyKnown false and nothing written. Id or Idempotency-Key taken: a row
 * with caseId null and nothing written.
 *
 * Two texts, by whether the subject is identified. With one text for both, PostgreSQL re-planned
 * it on every anonymous case (a custom plan folds the null lookup away, so it never settled on the
 * cached plan): ~0.3 ms of database CPU per case start, measured. test/db/recordCasePlan.test.ts
 * holds both to one plan.
 */
const recordCaseSql = (identified: boolean) => `
  WITH active_policy AS (
    SELECT id, version FROM policy
    WHERE case_type = $2 AND activated_at <= now()
    ORDER BY activated_at DESC, created_at DESC
    LIMIT 1
  ), known_agency AS (
    SELECT EXISTS (SELECT 1 FROM agency WHERE code = $4) AS known
  ), new_case AS (
    INSERT INTO "case" (id, workflow_id, case_type, policy_version, status, current_step, category, source_agency, urgency,
                        routing_version, routing_rule, linked_case_id, idempotency_key, request_hash, start_args, updated_at)
    SELECT $1, $1, $2, p.version, 'starting', 'receipt', $3, $4, $5, $6, $7, ${identified ? firstCaseOfPerson : 'NULL'}, $8, $9, $10::jsonb, now()
    FROM active_policy p CROSS JOIN known_agency a
    WHERE a.known
    ON CONFLICT DO NOTHING
    RETURNING id, linked_case_id
  ), new_subject AS (
    INSERT INTO case_subject (case_id, personal_identity_number_hash, display_name_enc, personal_identity_number_enc, age_years, narrative_enc)
    SELECT id, $11, $12, $13, $14::int, $15 FROM new_case
  ), new_audit AS (
    INSERT INTO audit_event (id, at, actor, actor_roles, action, method, route, status, case_id, task_id, detail, source_address, request_id)
    SELECT gen_random_uuid(), $16::timestamptz, $17, $18, $19, $20, $21, $22::int, id, $23, $24::jsonb, $25, $26::uuid
    FROM new_case WHERE $16::timestamptz IS NOT NULL
  )
  SELECT p.id AS "policyId", p.version AS "policyVersion", a.known AS "agencyKnown", c.id AS "caseId", c.linked_case_id AS "linkedCaseId"
  FROM active_policy p CROSS JOIN known_agency a LEFT JOIN new_case c ON true`;

const recordCaseStatements = {
  identified: { name: 'record-case-identified', text: recordCaseSql(true) },
  anonymous: { name: 'record-case-anonymous', text: recordCaseSql(false) },
};

export interface RecordCaseInput {
  caseId: string;
  caseType: CaseType;
  referral: ReferralBody;
  routing: RoutingDecision | undefined;
  keyHash: string | undefined;
  requestHash: string;
  startArgs: StartArgs;
  subject: SubjectColumns;
  auditRow: AuditRow | undefined;
}

/** The record-case statement and its values for one case (exported for the plan test). */
export function recordCaseQuery(input: RecordCaseInput) {
  const { caseId, caseType, referral, routing, keyHash, requestHash, startArgs, subject, auditRow } = input;
  return {
    ...recordCaseStatements[subject.personalIdentityNumberHash === null ? 'anonymous' : 'identified'],
    values: [
      caseId,
      caseType,
      referral.category,
      referral.sourceAgency,
      referral.urgency ?? null,
      routing?.tableVersion ?? null,
      routing?.ruleId ?? null,
      keyHash ?? null,
      keyHash ? requestHash : null,
      JSON.stringify(startArgs),
      subject.personalIdentityNumberHash,
      subject.displayNameEnc,
      subject.personalIdentityNumberEnc,
      subject.ageYears,
      subject.narrativeEnc,
      ...auditValues(auditRow),
    ],
  };
}

/**
 * $16–$26 of the record-case statement: the audit row's columns but its case id, which is the new
 * row's own, and its phase: the row is written with the change, so it needs no intent. All null for no row.
 */
function auditValues(row: AuditRow | undefined) {
  if (!row) return Array<null>(11).fill(null);
  const [at, actor, roles, action, method, route, status, , taskId, detail, sourceAddress, requestId] = auditColumns(row.at, row.entry);
  return [at, actor, roles, action, method, route, status, taskId, detail, sourceAddress, requestId];
}

/** The workflow input apart from the policy snapshot: kept on the case row (no personal data). */
export type StartArgs = Omit<CaseWorkflowInput, 'caseId' | 'policy'>;
