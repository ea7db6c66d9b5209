import type { GuardianRule } from './policy';

/**
 * The one consent rule (OSL 12:2, FB 6:13), pure so that the case workflows and the API's access
 * checks give the same answer. Consent for one purpose never covers another, and consent to one
 * agency never covers another.
 */

export type ConsentStatus = 'given' | 'withdrawn' | 'refused';

/** One recorded answer: a person's role, never a name. */
export interface ConsentFact {
  personRole: 'subject' | 'guardian';
  agency: string;
  purpose: string;
  status: ConsentStatus;
  /** When the answer was given (a consent or a refusal); orders answers of the same role. */
  givenAt?: string;
  expiresAt?: string;
}

export interface ConsentQuestion {
  agency: string;
  purpose: string;
  subjectIsMinor: boolean;
  /** The policy's rule for a minor's guardians; all registered guardians unless it says "one". */
  guardianRule?: GuardianRule;
  /** How many guardians the case records; unknown counts as one. */
  registeredGuardians?: number;
  now: Date | number;
}

/** Why sharing is not in force: "refused" is an answer, the others are waits. */
export type NotInForce = 'refused' | 'no-consent' | 'withdrawn' | 'expired' | 'guardian-missing';

export type ConsentVerdict = { inForce: true; since?: string } | { inForce: false; reason: NotInForce };

const at = (fact: ConsentFact) => (fact.givenAt ? Date.parse(fact.givenAt) : 0);

/** A refusal stands until a later consent of the same role replaces it. */
function standingRefusals(facts: ConsentFact[]): ConsentFact[] {
  return facts.filter((f) => f.status === 'refused' && !facts.some((g) => g.status === 'given' && at(g) > at(f)));
}

function latest(times: Array<string | undefined>): string | undefined {
  const known = times.filter((t): t is string => t !== undefined);
  return known.length ? known.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : undefined;
}

/**
 * Whether sharing with `agency` for `purpose` is in force now: the subject's consent and, for a
 * minor, the guardians' (one, or every registered guardian), none withdrawn or expired; and, when
 * not, why. `since` is when the last consent needed was given.
 */
export function consentInForce(facts: ConsentFact[], q: ConsentQuestion): ConsentVerdict {
  const now = typeof q.now === 'number' ? q.now : q.now.getTime();
  const relevant = facts.filter((f) => f.agency === q.agency && f.purpose === q.purpose);
  const ofRole = (role: ConsentFact['personRole']) => relevant.filter((f) => f.personRole === role);
  const valid = (list: ConsentFact[]) => list.filter((f) => f.status === 'given' && (!f.expiresAt || Date.parse(f.expiresAt) > now));
  const whyNot = (list: ConsentFact[]): NotInForce => {
    if (list.some((f) => f.status === 'given' && f.expiresAt && Date.parse(f.expiresAt) <= now)) return 'expired';
    if (list.some((f) => f.status === 'withdrawn')) return 'withdrawn';
    return 'no-consent';
  };

  const subject = ofRole('subject');
  if (standingRefusals(subject).length) return { inForce: false, reason: 'refused' };
  const subjectValid = valid(subject);

  if (!q.subjectIsMinor) {
    if (!subjectValid.length) return { inForce: false, reason: whyNot(subject) };
    return { inForce: true, since: latest(subjectValid.map((f) => f.givenAt)) };
  }

  const guardians = ofRole('guardian');
  const registered = Math.max(1, q.registeredGuardians ?? 1);
  const needed = q.guardianRule === 'one' ? 1 : registered;
  const guardianValid = valid(guardians);
  const refusals = standingRefusals(guardians).length;
  // Under "one", a guardian's refusal ends the wait only when every registered guardian refused.
  if (refusals > 0 && (q.guardianRule !== 'one' || refusals >= registered) && guardianValid.length < needed) {
    return { inForce: false, reason: 'refused' };
  }
  if (!subjectValid.length) return { inForce: false, reason: whyNot(subject) };
  if (guardianValid.length < needed) {
    const why = guardianValid.length ? 'no-consent' : whyNot(guardians);
    return { inForce: false, reason: why === 'no-consent' ? 'guardian-missing' : why };
  }
  return { inForce: true, since: latest([...subjectValid, ...guardianValid].map((f) => f.givenAt)) };
}

/** Who the consent rule asks about: the case's subject and the policy's guardian rule. */
export interface ConsentSubject {
  subjectIsMinor: boolean;
  guardianRule?: GuardianRule;
  registeredGuardians?: number;
}

/** Whether sharing with `agency` for `purpose` is in force now, for this case's subject: the one rule, as the workflows and the API ask it. */
export function sharingInForce(facts: ConsentFact[], subject: ConsentSubject, agency: string, purpose: string, now: Date | number): ConsentVerdict {
  return consentInForce(facts, { agency, purpose, subjectIsMinor: subject.subjectIsMinor, guardianRule: subject.guardianRule, registeredGuardians: subject.registeredGuardians, now });
}

/** A consent row's columns in the read model, as the rule and the workflow signal read them. */
export interface ConsentRecord {
  personRole: string;
  receivingAgency: string;
  purpose: string;
  givenAt: Date;
  expiresAt: Date | null;
  withdrawnAt: Date | null;
  refusedAt: Date | null;
}

/** A consent row as the rule reads it: a withdrawal or refusal is the answer that stands. */
export function consentFactOf(row: ConsentRecord): ConsentFact {
  return {
    personRole: row.personRole === 'guardian' ? 'guardian' : 'subject',
    agency: row.receivingAgency,
    purpose: row.purpose,
    status: row.withdrawnAt ? 'withdrawn' : row.refusedAt ? 'refused' : 'given',
    givenAt: row.givenAt.toISOString(),
    ...(row.expiresAt ? { expiresAt: row.expiresAt.toISOString() } : {}),
  };
}
