import { z } from 'zod';
import { caseTypes } from '../../domain/policy';
import { instant, nullableInstant } from './common';
import { consentSchema, consentView } from './consent';
import { escalationSchema, escalationView } from './escalation';
import { overdueSeconds, taskStatuses } from './task';

export const caseStatuses = ['starting', 'open', 'closed'] as const;

const caseTaskSchema = z.strictObject({
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
  /** When a task withdrawn, not shared or closed with its case ended. */
  endedAt: nullableInstant,
  legalBasis: z.string().nullable(),
  consent: z.strictObject({ agency: z.string(), purpose: z.string().nullable() }).nullable(),
  withdrawnAt: nullableInstant,
  outcome: z.string().nullable(),
  completedBy: z.string().nullable(),
  completedAt: nullableInstant,
  extensions: z.array(
    z.strictObject({
      sequence: z.number().int(),
      previousDueAt: instant,
      newDueAt: instant,
      justification: z.string(),
      extendedBy: z.string(),
      createdAt: instant,
    }),
  ),
  escalations: z.array(escalationSchema),
  notifications: z.array(z.strictObject({ kind: z.string(), status: z.string(), createdAt: instant, sentAt: nullableInstant })),
});

/** GET /cases/:caseId: the case with its tasks, deadlines, extensions, escalations, notifications and consents. */
export const caseSchema = z.strictObject({
  caseId: z.string(),
  caseType: z.enum(caseTypes),
  policyVersion: z.string(),
  status: z.enum(caseStatuses),
  currentStep: z.string().nullable(),
  category: z.string().nullable(),
  urgency: z.string().nullable(),
  routing: z.strictObject({ tableVersion: z.string(), ruleId: z.string().nullable() }).nullable(),
  createdAt: instant,
  closedAt: nullableInstant,
  /** Why the case closed when not simply completed (declined, not-motivated, no-consent). */
  closeReason: z.string().nullable(),
  /** How many guardians the referral recorded (consent for a minor needs each, under the default rule). */
  guardians: z.number().int().nullable(),
  pseudonymisedAt: nullableInstant,
  linkedCaseId: z.string().nullable(),
  relatedCases: z.array(z.strictObject({ caseId: z.string(), status: z.enum(caseStatuses), createdAt: instant })),
  tasks: z.array(caseTaskSchema),
  consents: z.array(consentSchema),
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
  urgency: string | null;
  routingVersion: string | null;
  routingRule: string | null;
  createdAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
  startArgs: unknown;
  pseudonymisedAt: Date | null;
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
    escalations: Row[];
    notifications: Array<{ kind: string; status: string; createdAt: Date; sentAt: Date | null }>;
  }>;
  consents: Array<Parameters<typeof consentView>[0]>;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function caseView(row: CaseRow, relatedCases: CaseBody['relatedCases']): CaseBody {
  return {
    caseId: row.id,
    caseType: row.caseType as CaseBody['caseType'],
    policyVersion: row.policyVersion,
    status: row.status as CaseBody['status'],
    currentStep: row.currentStep,
    category: row.category,
    urgency: row.urgency,
    routing: row.routingVersion ? { tableVersion: row.routingVersion, ruleId: row.routingRule } : null,
    createdAt: row.createdAt.toISOString(),
    closedAt: iso(row.closedAt),
    closeReason: row.closeReason,
    guardians: (row.startArgs as { guardians?: number } | null)?.guardians ?? null,
    pseudonymisedAt: iso(row.pseudonymisedAt),
    linkedCaseId: row.linkedCaseId,
    relatedCases,
    tasks: row.tasks.map((t) => ({
      taskId: t.id,
      stepKey: t.stepKey,
      unit: t.unit.code,
      status: t.status as CaseBody['tasks'][number]['status'],
      startedAt: t.startedAt.toISOString(),
      dueAt: t.dueAt.toISOString(),
      originalDueAt: t.originalDueAt.toISOString(),
      overdue: (t.status === 'open' || t.status === 'waiting-for-consent') && t.dueAt.getTime() < Date.now(),
      overdueSeconds: overdueSeconds(t),
      clock: t.clockFrom ? { countsFrom: t.clockFrom, ref: t.clockFromRef, since: t.startedAt.toISOString() } : null,
      openReason: t.openReason,
      openedBy: t.openedBy,
      endedAt: iso(t.endedAt),
      legalBasis: t.legalBasis,
      consent: t.consentAgency ? { agency: t.consentAgency, purpose: t.consentPurpose } : null,
      withdrawnAt: iso(t.withdrawnAt),
      outcome: t.outcome,
      completedBy: t.completedBy,
      completedAt: iso(t.completedAt),
      extensions: t.extensions.map((e) => ({
        sequence: e.sequence,
        previousDueAt: e.previousDueAt.toISOString(),
        newDueAt: e.newDueAt.toISOString(),
        justification: e.justification,
        extendedBy: e.extendedBy,
        createdAt: e.createdAt.toISOString(),
      })),
      escalations: t.escalations.map(escalationView),
      notifications: t.notifications.map((n) => ({ kind: n.kind, status: n.status, createdAt: n.createdAt.toISOString(), sentAt: iso(n.sentAt) })),
    })),
    consents: row.consents.map(consentView),
  };
}
