import { z } from 'zod';
import { subjectFactsOf, type CaseSight } from '../../domain/needToKnow';
import { caseTypes } from '../../domain/policy';
import { instant, nullableInstant } from './common';
import { consentSchema, consentView } from './consent';
import { escalationSchema, escalationView } from './escalation';
import { protectedIdentitySchema, protectedIdentityView } from './subject';
import { overdueSeconds, taskStatuses } from './task';

export const caseStatuses = ['starting', 'open', 'closed'] as const;

const caseTaskSchema = z.strictObject({
  /** "full": a task the caller's unit holds (or any task, for coordinators). */
  detail: z.literal('full'),
  taskId: z.string(),
  stepKey: z.string(),
  unit: z.string(),
  status: z.enum(taskStatuses),
  startedAt: instant,
  dueAt: instant,
  originalDueAt: instant,
  overdue: z.boolean(),
  overdueSeconds: z.number().int().min(0),
  /** What the deadline counts from (`since` is that moment); null when the policy predates clocks. */
  clock: z.strictObject({ countsFrom: z.string(), ref: z.string().nullable(), since: instant }).nullable(),
  /** Why a task was opened beside the case's steps (an acute threat raised), and by whom. */
  openReason: z.string().nullable(),
  openedBy: z.string().nullable(),
  /** The names of who opened, completed and extended it, as the staff directory last saw them; null when it has none. */
  openedByName: z.string().nullable(),
  /** When a task withdrawn, not shared or closed with its case ended. */
  endedAt: nullableInstant,
  legalBasis: z.string().nullable(),
  consent: z.strictObject({ agency: z.string(), purpose: z.string().nullable() }).nullable(),
  withdrawnAt: nullableInstant,
  outcome: z.string().nullable(),
  completedBy: z.string().nullable(),
  completedByName: z.string().nullable(),
  completedAt: nullableInstant,
  extensions: z.array(
    z.strictObject({
      sequence: z.number().int(),
      previousDueAt: instant,
      newDueAt: instant,
      justification: z.string(),
      extendedBy: z.string(),
      extendedByName: z.string().nullable(),
      createdAt: instant,
    }),
  ),
  escalations: z.array(escalationSchema),
  notifications: z.array(z.strictObject({ kind: z.string(), status: z.string(), createdAt: instant, sentAt: nullableInstant })),
});

/** Another agency's (or unit's) task, as a unit resting on consent sees it: step, status and due date only. */
const caseTaskSummarySchema = z.strictObject({
  detail: z.literal('summary'),
  taskId: z.string(),
  stepKey: z.string(),
  status: z.enum(taskStatuses),
  dueAt: instant,
});

/** GET /cases/:caseId: the case with its tasks, deadlines, extensions, escalations, notifications and consents. */
export const caseSchema = z.strictObject({
  /** "whole" for coordinators; "need-to-know" for a unit: what its own tasks open (README "Access"). */
  view: z.enum(['whole', 'need-to-know']),
  caseId: z.string(),
  caseType: z.enum(caseTypes),
  policyVersion: z.string(),
  status: z.enum(caseStatuses),
  currentStep: z.string().nullable(),
  category: z.string().nullable(),
  /** The agency that referred the case (coordinators only; null for others and for cases recorded without one). */
  sourceAgency: z.string().nullable(),
  urgency: z.string().nullable(),
  routing: z.strictObject({ tableVersion: z.string(), ruleId: z.string().nullable() }).nullable(),
  createdAt: instant,
  closedAt: nullableInstant,
  /** Why the case closed when not simply completed (declined, not-motivated, no-consent). */
  closeReason: z.string().nullable(),
  /** How many guardians the referral recorded (consent for a minor needs each, under the default rule). */
  guardians: z.number().int().nullable(),
  /**
   * Whether the subject was under 18 at the referral (an age band, no more): shown to coordinators
   * and to those who see its triage task in full, whose completion it decides; otherwise null.
   */
  subjectIsMinor: z.boolean().nullable(),
  pseudonymisedAt: nullableInstant,
  /** Protected identity: handle through protected channels, send no post (README "The person"); null when not marked. */
  protectedIdentity: protectedIdentitySchema,
  linkedCaseId: z.string().nullable(),
  relatedCases: z.array(z.strictObject({ caseId: z.string(), status: z.enum(caseStatuses), createdAt: instant })),
  tasks: z.array(z.discriminatedUnion('detail', [caseTaskSchema, caseTaskSummarySchema])),
  /** `recordedByName`: the staff directory's name for who recorded the answer; null when it has none. */
  consents: z.array(consentSchema.extend({ recordedByName: z.string().nullable() })),
});
export type CaseBody = z.infer<typeof caseSchema>;

type Row = Parameters<typeof escalationView>[0];
interface CaseRow {
  id: string;
  caseType: string;
  policyVersion: string;
  status: string;
  currentStep: string | null;
  category: string | null;
  sourceAgency: string | null;
  urgency: string | null;
  routingVersion: string | null;
  routingRule: string | null;
  createdAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
  startArgs: unknown;
  pseudonymisedAt: Date | null;
  protectedIdentityAt: Date | null;
  linkedCaseId: string | null;
  tasks: Array<{
    id: string;
    stepKey: string;
    unit: { code: string };
    status: string;
    startedAt: Date;
    dueAt: Date;
    originalDueAt: Date;
    clockFrom: string | null;
    clockFromRef: string | null;
    openReason: string | null;
    openedBy: string | null;
    endedAt: Date | null;
    legalBasis: string | null;
    consentAgency: string | null;
    consentPurpose: string | null;
    withdrawnAt: Date | null;
    outcome: string | null;
    completedBy: string | null;
    completedAt: Date | null;
    extensions: Array<{ sequence: number; previousDueAt: Date; newDueAt: Date; justification: string; extendedBy: string; createdAt: Date }>;
    escalations: Array<Row & { unit?: { code: string } | null }>;
    notifications: Array<{ kind: string; status: string; createdAt: Date; sentAt: Date | null; unit?: { code: string } | null }>;
  }>;
  consents: Array<Parameters<typeof consentView>[0]>;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** What the view shows: everything (coordinators), or a caller's sight of the case (domain/needToKnow.ts). */
export type CaseSightView = Pick<CaseSight, 'whole' | 'full' | 'summary' | 'consentAgencies' | 'units'>;

type FullTask = Extract<CaseBody['tasks'][number], { detail: 'full' }>;

/** The user ids a task shown in full names (opened, completed, extended, acknowledged by), for one staff directory read. */
export function taskPeople(t: CaseRow['tasks'][number]): Array<string | null> {
  return [t.openedBy, t.completedBy, ...t.extensions.map((e) => e.extendedBy), ...t.escalations.map((e) => e.acknowledgedBy)];
}

function fullTask(t: CaseRow['tasks'][number], units: ReadonlySet<string> | undefined, names: ReadonlyMap<string, string>): FullTask {
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  // Escalations and emails addressed to another unit (the consent wait's, to the coordinators) are theirs.
  const addressed = (unit: string | null | undefined) => !units || (unit !== undefined && unit !== null && units.has(unit));
  return {
    detail: 'full',
    taskId: t.id,
    stepKey: t.stepKey,
    unit: t.unit.code,
    status: t.status as FullTask['status'],
    startedAt: t.startedAt.toISOString(),
    dueAt: t.dueAt.toISOString(),
    originalDueAt: t.originalDueAt.toISOString(),
    overdue: (t.status === 'open' || t.status === 'waiting-for-consent') && t.dueAt.getTime() < Date.now(),
    overdueSeconds: overdueSeconds(t),
    clock: t.clockFrom ? { countsFrom: t.clockFrom, ref: t.clockFromRef, since: t.startedAt.toISOString() } : null,
    openReason: t.openReason,
    openedBy: t.openedBy,
    openedByName: nameOf(t.openedBy),
    endedAt: iso(t.endedAt),
    legalBasis: t.legalBasis,
    consent: t.consentAgency ? { agency: t.consentAgency, purpose: t.consentPurpose } : null,
    withdrawnAt: iso(t.withdrawnAt),
    outcome: t.outcome,
    completedBy: t.completedBy,
    completedByName: nameOf(t.completedBy),
    completedAt: iso(t.completedAt),
    extensions: t.extensions.map((e) => ({
      sequence: e.sequence,
      previousDueAt: e.previousDueAt.toISOString(),
      newDueAt: e.newDueAt.toISOString(),
      justification: e.justification,
      extendedBy: e.extendedBy,
      extendedByName: nameOf(e.extendedBy),
      createdAt: e.createdAt.toISOString(),
    })),
    escalations: t.escalations.filter((e) => addressed(e.unit?.code)).map((e) => escalationView(e, names)),
    notifications: t.notifications
      .filter((n) => addressed(n.unit?.code))
      .map((n) => ({ kind: n.kind, status: n.status, createdAt: n.createdAt.toISOString(), sentAt: iso(n.sentAt) })),
  };
}

/**
 * The case as `sight` lets its caller see it: coordinators whole; a unit its own tasks in full,
 * other shared tasks as step, status and due date (when it rests on consent), consents to its own
 * agency, and no routing, guardians or links it may not follow (nor the subject's age band, unless it
 * holds the triage task that band decides).
 */
/** Whether the caller sees a task in full (and so who acted on it). */
export const seesInFull = (sight: CaseSightView, taskId: string) => sight.whole || sight.full.has(taskId);

/** Whether the caller sees a consent (and so who recorded it): coordinators all, a unit those to its agency. */
export const seesConsent = (sight: CaseSightView, consent: { receivingAgency: string }) => sight.whole || (sight.consentAgencies?.has(consent.receivingAgency) ?? false);

export function caseView(row: CaseRow, relatedCases: CaseBody['relatedCases'], sight: CaseSightView, linkVisible: boolean, names: ReadonlyMap<string, string>): CaseBody {
  const whole = sight.whole;
  const tasks: CaseBody['tasks'] = [];
  for (const t of row.tasks) {
    if (seesInFull(sight, t.id)) tasks.push(fullTask(t, whole ? undefined : sight.units, names));
    else if (sight.summary.has(t.id)) tasks.push({ detail: 'summary', taskId: t.id, stepKey: t.stepKey, status: t.status as FullTask['status'], dueAt: t.dueAt.toISOString() });
  }
  // The current step is shown only when the caller sees a task of it.
  const currentStep = whole || tasks.some((t) => t.stepKey === row.currentStep) ? row.currentStep : null;
  // Who holds the triage task learns it anyway from the refusal to complete it with no case (CHILD_REPORT_NEEDS_CASE).
  const seesTriage = tasks.some((t) => t.detail === 'full' && t.stepKey === 'triage');
  const subject = subjectFactsOf(row.startArgs);
  return {
    view: whole ? 'whole' : 'need-to-know',
    caseId: row.id,
    caseType: row.caseType as CaseBody['caseType'],
    policyVersion: row.policyVersion,
    status: row.status as CaseBody['status'],
    currentStep,
    category: row.category,
    sourceAgency: whole ? row.sourceAgency : null,
    urgency: row.urgency,
    routing: whole && row.routingVersion ? { tableVersion: row.routingVersion, ruleId: row.routingRule } : null,
    createdAt: row.createdAt.toISOString(),
    closedAt: iso(row.closedAt),
    closeReason: row.closeReason,
    guardians: whole ? (subject.guardians ?? null) : null,
    subjectIsMinor: whole || seesTriage ? (subject.isMinor ?? null) : null,
    pseudonymisedAt: iso(row.pseudonymisedAt),
    protectedIdentity: protectedIdentityView(row.protectedIdentityAt),
    linkedCaseId: linkVisible ? row.linkedCaseId : null,
    relatedCases,
    tasks,
    consents: row.consents.filter((c) => seesConsent(sight, c)).map((c) => ({ ...consentView(c), recordedByName: names.get(c.recordedBy) ?? null })),
  };
}
