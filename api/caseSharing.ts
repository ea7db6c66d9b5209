// Need-to-know over the read model: what a caller's units may see of a case, and the filters lists add; api/access.ts checks requests with it.
import { hasRole, visibleUnits, type Principal } from '../domain/auth';
import { consentFactOf } from '../domain/consent';
import { caseSight, consentSubjectOf, tasksNotSharing, unsharedTaskStatuses, type CaseSight, type SharingCase, type SharingTask, type Viewer } from '../domain/needToKnow';
import type { PrismaClient } from '../prisma/client';
import type { ApiDeps } from './context';
import { policyByVersion } from './publishedVersions';

/** The caller as the need-to-know rule sees them: their units and each unit's agency. */
export async function viewerOf(prisma: PrismaClient, p: Principal): Promise<Viewer> {
  const units = visibleUnits(p);
  const rows = units.length ? await prisma.unit.findMany({ where: { code: { in: units } }, select: { code: true, agency: { select: { code: true } } } }) : [];
  return { coordinator: hasRole(p, 'coordinator'), units, agencyOf: Object.fromEntries(rows.map((u) => [u.code, u.agency.code])) };
}

const sharingTaskSelect = {
  id: true,
  stepKey: true,
  status: true,
  legalBasis: true,
  consentAgency: true,
  consentPurpose: true,
  unit: { select: { code: true, agency: { select: { code: true } } } },
} as const;
const consentFactSelect = { personRole: true, receivingAgency: true, purpose: true, givenAt: true, expiresAt: true, withdrawnAt: true, refusedAt: true } as const;

type SharingTaskRow = { id: string; stepKey: string; status: string; legalBasis: string | null; consentAgency: string | null; consentPurpose: string | null; unit: { code: string; agency: { code: string } } };
const sharingTaskOf = (t: SharingTaskRow): SharingTask => ({
  taskId: t.id,
  stepKey: t.stepKey,
  unit: t.unit.code,
  agency: t.unit.agency.code,
  status: t.status,
  legalBasis: t.legalBasis,
  consentAgency: t.consentAgency,
  consentPurpose: t.consentPurpose,
});

/** A case as the need-to-know rule reads it, from the read model now (so a consent row's change counts at once). */
export async function sharingCaseOf(deps: ApiDeps, caseId: string): Promise<SharingCase | undefined> {
  const row = await deps.prisma.case.findUnique({
    where: { id: caseId },
    select: { caseType: true, policyVersion: true, startArgs: true, tasks: { select: sharingTaskSelect }, consents: { select: consentFactSelect } },
  });
  if (!row) return undefined;
  const policy = await policyByVersion(deps, row.caseType, row.policyVersion);
  return {
    subject: consentSubjectOf(row.startArgs, policy),
    consents: row.consents.map(consentFactOf),
    tasks: row.tasks.map(sharingTaskOf),
    agencyWide: policy.access?.agencyWide,
  };
}

/** What the caller may see of a case; undefined when nothing (or no such case). */
export async function sightOf(deps: ApiDeps, p: Principal, caseId: string, viewer?: Viewer): Promise<CaseSight | undefined> {
  const kase = await sharingCaseOf(deps, caseId);
  return kase && caseSight(kase, viewer ?? (await viewerOf(deps.prisma, p)), Date.now());
}

/**
 * Tasks in these units that no longer share their case although their status says they did (done
 * on a consent since withdrawn, lapsed, or for a minor whose guardian withdrew): lists leave them out.
 */
export async function tasksNoLongerSharing(deps: ApiDeps, units: readonly string[], onlyTask?: string): Promise<string[]> {
  if (onlyTask) {
    const task = await deps.prisma.task.findUnique({ where: { id: onlyTask }, select: { status: true } });
    if (!task || (unsharedTaskStatuses as readonly string[]).includes(task.status)) return [onlyTask];
  }
  const tasks = await deps.prisma.task.findMany({
    where: {
      unit: { code: { in: [...units] } },
      consentAgency: { not: null },
      status: { notIn: [...unsharedTaskStatuses] },
      ...(onlyTask ? { id: onlyTask } : {}),
      // A task opened only once its consent was in force, under the same rule: it can stop sharing
      // only where some consent of its case has since been withdrawn, refused or run out.
      case: { consents: { some: { OR: [{ withdrawnAt: { not: null } }, { refusedAt: { not: null } }, { expiresAt: { lte: new Date() } }] } } },
    },
    select: { ...sharingTaskSelect, caseId: true },
  });
  if (!tasks.length) return [];
  const cases = await deps.prisma.case.findMany({
    where: { id: { in: [...new Set(tasks.map((t) => t.caseId))] } },
    select: { id: true, caseType: true, policyVersion: true, startArgs: true, consents: { select: consentFactSelect } },
  });
  const now = Date.now();
  const gone: string[] = [];
  for (const c of cases) {
    const policy = await policyByVersion(deps, c.caseType, c.policyVersion);
    const kase: SharingCase = {
      subject: consentSubjectOf(c.startArgs, policy),
      consents: c.consents.map(consentFactOf),
      tasks: tasks.filter((t) => t.caseId === c.id).map(sharingTaskOf),
    };
    gone.push(...tasksNotSharing(kase, now));
  }
  return gone;
}

/**
 * The filter a list of tasks (an inbox, a search, a report) adds for the caller: coordinators see
 * every task; others none that has shared nothing (waiting for consent, withdrawn, not shared) or
 * shares no longer.
 */
export async function sharedTasksOnly(deps: ApiDeps, p: Principal, units: readonly string[] | undefined): Promise<{ hiddenStatuses: string[]; hiddenIds: string[] }> {
  if (hasRole(p, 'coordinator') || !units) return { hiddenStatuses: [], hiddenIds: [] };
  return { hiddenStatuses: [...unsharedTaskStatuses], hiddenIds: await tasksNoLongerSharing(deps, units) };
}

/**
 * The filter for lists of what is addressed to units (escalations, emails): to the caller's units
 * (`units`; every unit for coordinators without one asked), and, for others than coordinators,
 * none about a task of the same unit that shares nothing, or no longer. What is addressed to a
 * unit on another unit's task (a consent wait, to the coordinators) is that unit's to see.
 */
export async function addressedToWhere(deps: ApiDeps, p: Principal, units: readonly string[] | undefined) {
  if (!units) return {};
  if (hasRole(p, 'coordinator')) return { unit: { code: { in: [...units] } } };
  const hiddenIds = await tasksNoLongerSharing(deps, units);
  return {
    OR: units.map((u) => ({
      unit: { code: u },
      OR: [
        { task: { status: { notIn: [...unsharedTaskStatuses] }, ...(hiddenIds.length ? { id: { notIn: hiddenIds } } : {}) } },
        { task: { unit: { code: { not: u } } } },
      ],
    })),
  };
}
