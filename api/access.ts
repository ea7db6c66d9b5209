import { hasRole, visibleUnits, type Principal, type Role } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import type { PrismaClient } from '../prisma/client';
import type { ApiDeps } from './context';
import { AppError } from './errors';

/**
 * The scopes an operation's access rule can name (api/operation.ts), each evaluated here:
 * - `anyone`: any caller holding one of the operation's roles;
 * - `unitMember` / `unitSupervisor`: lists of units (path `unitCode` or query `unit`; all units for
 *   coordinators) the caller is staff or supervisor of, or supervises;
 * - `caseVisible`: the case (path `caseId`) is shared with one of the caller's agencies;
 * - `caseTaskHolder`: the case (path `caseId`) is visible, and the caller is a coordinator or staff
 *   of a unit holding a task in it that shared the case (not one waiting, withdrawn or not shared);
 * - `taskUnitStaff` / `taskUnitSupervisor`: the task (path `taskId`) is in a unit the caller is staff of / supervises;
 * - `escalationUnitSupervisor`: the escalation's (path `escalationId`) task is in a unit the caller supervises;
 * - `taskVisible`: the task (path `taskId`) is read by a coordinator, or by staff or a supervisor of its unit.
 */
export const scopeKinds = ['anyone', 'unitMember', 'unitSupervisor', 'caseVisible', 'caseTaskHolder', 'taskUnitStaff', 'taskUnitSupervisor', 'escalationUnitSupervisor', 'taskVisible'] as const;
export type ScopeKind = (typeof scopeKinds)[number];

/** What an access check found, for the handler and the audit row. */
export interface Grant {
  /** The units the caller may list; undefined = every unit. */
  units?: string[];
  caseId?: string;
  taskId?: string;
  detail?: Record<string, unknown>;
}

/** The path parameter each scope reads (the unit scopes read `unitCode` or the `unit` query parameter). */
export const scopeParam: Partial<Record<ScopeKind, string>> = {
  caseVisible: 'caseId',
  caseTaskHolder: 'caseId',
  taskUnitStaff: 'taskId',
  taskUnitSupervisor: 'taskId',
  escalationUnitSupervisor: 'escalationId',
  taskVisible: 'taskId',
};

interface ScopeInput {
  params?: Record<string, string>;
  query?: { unit?: string };
}

/** Evaluates one access rule after the role check; throws 403 (or 404, for what the caller may not see). */
export async function checkScope({ prisma }: ApiDeps, p: Principal, scope: ScopeKind, input: ScopeInput): Promise<Grant> {
  const param = (name: string) => input.params?.[name] as string;
  switch (scope) {
    case 'anyone':
      return {};
    case 'unitMember':
    case 'unitSupervisor':
      return { units: unitScope(p, input.params?.unitCode ?? input.query?.unit, scope === 'unitMember' ? 'member' : 'supervisor') };
    case 'caseVisible':
      await assertCaseVisible(prisma, p, param('caseId'));
      return { caseId: param('caseId') };
    case 'caseTaskHolder':
      await assertCaseTaskHolder(prisma, p, param('caseId'));
      return { caseId: param('caseId') };
    case 'taskUnitStaff':
    case 'taskUnitSupervisor': {
      const { caseId } = await assertTaskActionAllowed(prisma, p, param('taskId'), scope === 'taskUnitStaff' ? 'staff' : 'supervisor');
      return { caseId, taskId: param('taskId') };
    }
    case 'escalationUnitSupervisor': {
      const escalationId = param('escalationId');
      const { caseId, taskId } = await assertEscalationActionAllowed(prisma, p, escalationId);
      return { caseId, taskId, detail: { escalationId } };
    }
    case 'taskVisible':
      return { caseId: await assertTaskVisible(prisma, p, param('taskId')), taskId: param('taskId') };
  }
}

/** Route-level gate: the caller must hold one of these roles at all. Says nothing about any case. */
export function requireRole(p: Principal, ...allowed: Role[]): void {
  if (!hasRole(p, ...allowed)) throw new AppError(ErrorCode.Forbidden, `this route needs the role ${allowed.join(' or ')}`);
}

/**
 * The agencies a case's data is shared with: those with a task on the case that rests on a legal
 * basis (or needs no consent), or on a consent that is in force now.
 */
export async function agenciesSharingCase(prisma: PrismaClient, caseId: string): Promise<Set<string>> {
  // A task shares the case with its agency when it rests on a legal basis or needs no consent, or
  // while the consent it rests on is in force; a task still waiting for consent has shared
  // nothing, and a withdrawal (or expiry) stops the sharing at once.
  const [tasks, consents] = await Promise.all([
    prisma.task.findMany({
      where: { caseId, status: { notIn: ['waiting-for-consent', 'withdrawn', 'not-shared'] } },
      select: { consentAgency: true, unit: { select: { agency: { select: { code: true } } } } },
    }),
    prisma.consent.findMany({
      where: { caseId, withdrawnAt: null, refusedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      select: { receivingAgency: true },
    }),
  ]);
  const consented = new Set(consents.map((c) => c.receivingAgency));
  return new Set(tasks.filter((t) => !t.consentAgency || consented.has(t.consentAgency)).map((t) => t.unit.agency.code));
}

async function agenciesOfUnits(prisma: PrismaClient, unitCodes: string[]): Promise<Set<string>> {
  if (!unitCodes.length) return new Set();
  const units = await prisma.unit.findMany({ where: { code: { in: unitCodes } }, select: { agency: { select: { code: true } } } });
  return new Set(units.map((u) => u.agency.code));
}

/**
 * May the caller see this case's data? Coordinators see every case; staff and supervisors only
 * a case shared with an agency of one of their units. A case the caller may not see, or that
 * does not exist, is the same 404, so its existence does not leak.
 */
export async function assertCaseVisible(prisma: PrismaClient, p: Principal, caseId: string): Promise<void> {
  const exists = await prisma.case.findUnique({ where: { id: caseId }, select: { id: true } });
  if (exists && hasRole(p, 'coordinator')) return;
  if (exists) {
    const [sharing, mine] = await Promise.all([agenciesSharingCase(prisma, caseId), agenciesOfUnits(prisma, visibleUnits(p))]);
    if ([...mine].some((a) => sharing.has(a))) return;
  }
  throw new AppError(ErrorCode.CaseNotFound, 'no such case');
}

// Tasks that shared the case with their unit (one waiting, withdrawn or refused shared nothing).
const sharingStatuses = ['open', 'completed', 'closed'];

/**
 * For acting on a case as one who works on it (raising an acute threat): a coordinator, or staff of
 * a unit with a task in the case that shared it. A case the caller cannot see is 404; a visible
 * case with no task of the caller's units is 403.
 */
export async function assertCaseTaskHolder(prisma: PrismaClient, p: Principal, caseId: string): Promise<void> {
  await assertCaseVisible(prisma, p, caseId);
  if (hasRole(p, 'coordinator')) return;
  const holds = hasRole(p, 'staff') && (await prisma.task.count({ where: { caseId, status: { in: sharingStatuses }, unit: { code: { in: p.units } } } })) > 0;
  if (!holds) throw new AppError(ErrorCode.Forbidden, 'only coordinators and staff of a unit with a task in the case may do this');
}

/**
 * For acting on a task as `role` (staff completes, supervisor extends/acknowledges): the task must
 * be in one of the caller's units for that role. A task of a case the caller cannot see is 404;
 * a visible case's task in someone else's unit is 403.
 */
export async function assertTaskActionAllowed(
  prisma: PrismaClient,
  p: Principal,
  taskId: string,
  role: 'staff' | 'supervisor',
): Promise<{ caseId: string; unitCode: string }> {
  const task = await prisma.task.findUnique({ where: { id: taskId }, select: { caseId: true, unit: { select: { code: true } } } });
  if (!task) throw new AppError(ErrorCode.TaskNotFound, 'no such task');
  const units = role === 'staff' ? p.units : p.supervisedUnits;
  if (hasRole(p, role) && units.includes(task.unit.code)) return { caseId: task.caseId, unitCode: task.unit.code };
  await assertCaseVisible(prisma, p, task.caseId).catch(() => {
    throw new AppError(ErrorCode.TaskNotFound, 'no such task');
  });
  throw new AppError(ErrorCode.Forbidden, `only ${role} of the task's unit may do this`);
}

/**
 * Units whose lists the caller may read. `undefined` means every unit (coordinators). A requested
 * unit outside the caller's units is 403: units are not secret, cases are.
 */
export function unitScope(p: Principal, requested?: string, as: 'member' | 'supervisor' = 'member'): string[] | undefined {
  if (hasRole(p, 'coordinator')) return requested ? [requested] : undefined;
  const mine = as === 'member' ? visibleUnits(p) : hasRole(p, 'supervisor') ? p.supervisedUnits : [];
  if (!mine.length) {
    throw new AppError(ErrorCode.Forbidden, `this route needs the role coordinator${as === 'member' ? ', staff' : ''} or supervisor`);
  }
  if (requested && !mine.includes(requested)) throw new AppError(ErrorCode.Forbidden, 'not one of your units');
  return requested ? [requested] : mine;
}

/** Acknowledging: the escalation's task must be in a unit the caller supervises. */
export async function assertEscalationActionAllowed(prisma: PrismaClient, p: Principal, escalationId: string) {
  const escalation = await prisma.escalation.findUnique({ where: { id: escalationId }, select: { taskId: true } });
  if (!escalation) throw new AppError(ErrorCode.EscalationNotFound, 'no such escalation');
  try {
    return { taskId: escalation.taskId, ...(await assertTaskActionAllowed(prisma, p, escalation.taskId, 'supervisor')) };
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.TaskNotFound) throw new AppError(ErrorCode.EscalationNotFound, 'no such escalation');
    throw err;
  }
}

/**
 * Reading a task's own matter (its notes): a coordinator, or staff or a supervisor of the unit
 * holding it; another agency's work stays with it. A task of a case the caller cannot see is 404;
 * a visible case's task in another unit is 403. Answers the task's case.
 */
export async function assertTaskVisible(prisma: PrismaClient, p: Principal, taskId: string): Promise<string> {
  const task = await prisma.task.findUnique({ where: { id: taskId }, select: { caseId: true, unit: { select: { code: true } } } });
  if (!task) throw new AppError(ErrorCode.TaskNotFound, 'no such task');
  if (hasRole(p, 'coordinator') || visibleUnits(p).includes(task.unit.code)) return task.caseId;
  await assertCaseVisible(prisma, p, task.caseId).catch(() => {
    throw new AppError(ErrorCode.TaskNotFound, 'no such task');
  });
  throw new AppError(ErrorCode.Forbidden, "only coordinators and the task's unit may do this");
}
