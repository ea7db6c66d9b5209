import { sharingInForce, type ConsentFact, type ConsentSubject } from './consent';
import type { PolicyDocument } from './policy';

/**
 * Need to know (OSL 26:1, 12:2; LUL 6 §), pure so that the API's access checks, its views and any
 * other reader (the web UI) give one answer. A task shares its case with the unit that holds it
 * while the task rests on a legal basis (or is the unit's own work), or on a consent in force under
 * the one consent rule (domain/consent.ts). What that unit then sees:
 * - its own tasks in full;
 * - when one of them rests on consent: the other shared tasks as step, status and due date only;
 *   a legal basis (or own work) opens only the task it rests on;
 * - consents whose receiving agency is its own.
 * A task waiting for consent, withdrawn or not shared has shared nothing: only coordinators see it.
 */

/** Statuses of a task that has shared nothing, or shares no longer. */
export const unsharedTaskStatuses = ['waiting-for-consent', 'withdrawn', 'not-shared'] as const;

/**
 * What a case's start input says of its subject, read one way everywhere: from the case row's
 * recorded start input or from the workflow's own input. Cases recorded before routing carried
 * `subjectIsMinor` say nothing (undefined), and each reader decides what that means for it.
 */
export function subjectFactsOf(start: unknown): { isMinor: boolean | undefined; guardians: number | undefined } {
  const s = start as { routing?: { subjectIsMinor?: unknown } | null; guardians?: unknown } | null | undefined;
  const isMinor = s?.routing?.subjectIsMinor;
  const guardians = s?.guardians;
  return { isMinor: typeof isMinor === 'boolean' ? isMinor : undefined, guardians: typeof guardians === 'number' ? guardians : undefined };
}

/** What the consent rule needs to know about a case's subject: from its start input and its policy. */
export function consentSubjectOf(start: unknown, policy: Pick<PolicyDocument, 'consentRules'>): ConsentSubject {
  const facts = subjectFactsOf(start);
  return {
    // Not known to be a minor: the subject's own consent is the rule, as before routing recorded it.
    subjectIsMinor: facts.isMinor ?? false,
    guardianRule: policy.consentRules?.guardianRule,
    registeredGuardians: facts.guardians,
  };
}

/** A task as the rule reads it. */
export interface SharingTask {
  taskId: string;
  stepKey: string;
  unit: string;
  agency: string;
  status: string;
  legalBasis: string | null;
  consentAgency: string | null;
  consentPurpose: string | null;
}

/** A case as the rule reads it. */
export interface SharingCase {
  subject: ConsentSubject;
  consents: ConsentFact[];
  tasks: SharingTask[];
  /** Agencies whose units see as one (the policy's `access.agencyWide`: documented practice); otherwise per unit. */
  agencyWide?: readonly string[];
}

/** Whom a task rests on: a consent, a legal basis, or neither (the holding unit's own work, e.g. the coordinators'). */
export type TaskBasis = 'consent' | 'legal-basis' | 'own-work';

export function basisOf(t: Pick<SharingTask, 'legalBasis' | 'consentAgency'>): TaskBasis {
  return t.consentAgency ? 'consent' : t.legalBasis ? 'legal-basis' : 'own-work';
}

/** Whether the task shares its case with its unit now. A change of consent counts at once. */
export function taskShares(t: SharingTask, kase: Pick<SharingCase, 'subject' | 'consents'>, now: Date | number): boolean {
  if ((unsharedTaskStatuses as readonly string[]).includes(t.status)) return false;
  if (!t.consentAgency) return true;
  // A task recorded without its purpose cannot be matched to a consent: it shares nothing.
  if (!t.consentPurpose) return false;
  return sharingInForce(kase.consents, kase.subject, t.consentAgency, t.consentPurpose, now).inForce;
}

/** Who is looking: coordinators see every case whole; others through the units they are staff of or supervise. */
export interface Viewer {
  coordinator: boolean;
  /** Units the caller is staff of (as staff) or supervises (as supervisor). */
  units: readonly string[];
  /** The agency of each of those units. */
  agencyOf: Readonly<Record<string, string>>;
}

/** What one viewer may see of one case. */
export interface CaseSight {
  whole: boolean;
  /** Tasks shown in full. */
  full: ReadonlySet<string>;
  /** Tasks shown as step, status and due date only. */
  summary: ReadonlySet<string>;
  /** Receiving agencies whose consents are shown (undefined: all, for coordinators). */
  consentAgencies?: ReadonlySet<string>;
  /** Units whose escalations and emails are shown on the full tasks (undefined: all). */
  units?: ReadonlySet<string>;
}

/** What `viewer` may see of the case; undefined when nothing (the case is then not found, for them). */
export function caseSight(kase: SharingCase, viewer: Viewer, now: Date | number): CaseSight | undefined {
  if (viewer.coordinator) return { whole: true, full: new Set(kase.tasks.map((t) => t.taskId)), summary: new Set() };
  const agencies = new Set(viewer.units.map((u) => viewer.agencyOf[u]).filter(Boolean));
  const wide = new Set(kase.agencyWide ?? []);
  const isMine = (t: SharingTask) => viewer.units.includes(t.unit) || (wide.has(t.agency) && agencies.has(t.agency));
  const shared = kase.tasks.filter((t) => taskShares(t, kase, now));
  const mine = shared.filter(isMine);
  if (!mine.length) return undefined;
  const onConsent = mine.some((t) => basisOf(t) === 'consent');
  const units = new Set(viewer.units);
  for (const t of mine) units.add(t.unit);
  return {
    whole: false,
    full: new Set(mine.map((t) => t.taskId)),
    summary: new Set(onConsent ? shared.filter((t) => !isMine(t)).map((t) => t.taskId) : []),
    consentAgencies: new Set(mine.map((t) => t.agency)),
    units,
  };
}

/** The tasks of a case that no longer share (a consent withdrawn or lapsed after the task was done): for lists. */
export function tasksNotSharing(kase: SharingCase, now: Date | number): string[] {
  return kase.tasks.filter((t) => !taskShares(t, kase, now)).map((t) => t.taskId);
}
