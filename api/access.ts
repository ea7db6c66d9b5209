// Access checks per request: the scopes an operation's rule names, role gates and the 403/404 asserts; what a case shares is api/caseSharing.ts.
import { hasRole, visibleUnits, type Principal, type Role } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import type { CaseSight } from '../domain/needToKnow';
import { sightOf, tasksNoLongerSharing } from './caseSharing';
import type { ApiDeps } from './context';
import { AppError } from './errors';

/**
 * The scopes an operation's access rule can name (api/operation.ts), each evaluated here:
 * - `anyone`: any caller holding one of the operation's roles;
 * - `unitMember` / `unitSupervisor`: lists of units (path `unitCode` or query `unit`; all units for
 *   coordinators) the caller is staff or supervisor of, or supervises;
 * - `caseVisible`: a task of one of the caller's units shares the case (domain/needToKnow.ts); the
 *   grant carries what the caller may see of it;
 * - `caseTaskHolder`: the case (path `caseId`) is visible, and the caller is a coordinator or staff
 *   of a unit holding a task in it that shared the case (not one waiting, withdrawn or not shared);
 * - `taskUnitStaff` / `taskUnitSupervisor`: the task (path `taskId`) is in a unit the caller is staff of / supervises, and shares its case with it;
 * - `escalationUnitSupervisor`: the escalation (path `escalationId`) is addressed to a unit the caller supervises.
 * - `taskVisible`: the task (path `taskId`) is read by a coordinator, or by staff or a supervisor of its unit while it shares its case with that unit.
 * - `unitPeople`: the unit (path `unitCode`) is one the caller is staff or supervisor of; coordinators and admins any unit.
 */
export const scopeKinds = ['anyone', 'unitMember', 'unitSupervisor', 'caseVisible', 'caseTaskHolder', 'taskUnitStaff', 'taskUnitSupervisor', 'escalationUnitSupervisor', 'taskVisible', 'unitPeople'] as const;
export type ScopeKind = (typeof scopeKinds)[number];

/** What an access check found, for the handler and the audit row. */
export interface Grant {
  /** The units the caller may list; undefined = every unit. */
  units?: string[];
  caseId?: string;
  taskId?: string;
  detail?: Record<string, unknown>;
  /** What the caller may see of the case (scope `caseVisible`), for the view built for them. */
  sight?: CaseSight;
}

/** The path parameter each scope reads (the unit scopes read `unitCode` or the `unit` query parameter). */
export const scopeParam: Partial<Record<ScopeKind, string>> = {
  caseVisible: 'caseId',
  caseTaskHolder: 'caseId',
  taskUnitStaff: 'taskId',
  taskUnitSupervisor: 'taskId',
  escalationUnitSupervisor: 'escalationId',
  taskVisible: 'taskId',
  unitPeople: 'unitCode',
};

interface ScopeInput {
  params?: Record<string, string>;
  query?: { unit?: string };
}

/** Evaluates one access rule after the role check; throws 403 (or 404, for what the caller may not see). */
export async function checkScope(deps: ApiDeps, p: Principal, scope: ScopeKind, input: ScopeInput): Promise<Grant> {
  const param = (name: string) => input.params?.[name] as string;
  switch (scope) {
    case 'anyone':
      return {};
    case 'unitMember':
    case 'unitSupervisor':
      return { units: unitScope(p, input.params?.unitCode ?? input.query?.unit, scope === 'unitMember' ? 'member' : 'supervisor') };
    case 'caseVisible':
      return { caseId: param('caseId'), sight: await assertCaseVisible(deps, p, param('caseId')) };
    case 'caseTaskHolder':
      await assertCaseTaskHolder(deps, p, param('caseId'));
      return { caseId: param('caseId') };
    case 'taskUnitStaff':
    case 'taskUnitSupervisor': {
      const { caseId } = await assertTaskActionAllowed(deps, p, param('taskId'), scope === 'taskUnitStaff' ? 'staff' : 'supervisor');
      return { caseId, taskId: param('taskId') };
    }
    case 'escalationUnitSupervisor': {
      const escalationId = param('escalationId');
      const { caseId, taskId } = await assertEscalationActionAllowed(deps, p, escalationId);
      return { caseId, taskId, detail: { escalationId } };
    }
    case 'taskVisible':
      return { caseId: await assertTaskVisible(deps, p, param('taskId')), taskId: param('taskId') };
    case 'unitPeople':
      return { units: [assertUnitPeopleVisible(p, param('unitCode'))] };
  }
}

/** Route-level gate: the caller must hold one of these roles at all. Says nothing about any case. */
export function requireRole(p: Principal, ...allowed: Role[]): void {
  if (!hasRole(p, ...allowed)) throw new AppError(ErrorCode.Forbidden, `this route needs the role ${allowed.join(' or ')}`);
}

/**
 * May the caller see this case's data? Coordinators see every case; staff and supervisors a case
 * in which one of their units holds a task that shares it (domain/needToKnow.ts), and then only
 * what that task opens. A case the caller may not see, or that does not exist, is the same 404,
 * so its existence does not leak.
 */
export async function assertCaseVisible(deps: ApiDeps, p: Principal, caseId: string): Promise<CaseSight> {
  if (hasRole(p, 'coordinator')) {
    const exists = await deps.prisma.case.findUnique({ where: { id: caseId }, select: { id: true } });
    if (exists) return { whole: true, full: new Set(), summary: new Set() };
  } else {
    const sight = await sightOf(deps, p, caseId);
    if (sight) return sight;
  }
  throw new AppError(ErrorCode.CaseNotFound, 'no such case');
}

/**
 * For acting on a case as one who works on it (raising an acute threat): a coordinator, or staff of
 * a unit with a task in the case that shared it. A case the caller cannot see is 404; a visible
 * case with no task of the caller's units is 403.
 */
export async function assertCaseTaskHolder(deps: ApiDeps, p: Principal, caseId: string): Promise<void> {
  const sight = await assertCaseVisible(deps, p, caseId);
  if (hasRole(p, 'coordinator')) return;
  const holds = hasRole(p, 'staff') && (await deps.prisma.task.count({ where: { id: { in: [...sight.full] }, unit: { code: { in: p.units } } } })) > 0;
  if (!holds) throw new AppError(ErrorCode.Forbidden, 'only coordinators and staff of a unit with a task in the case may do this');
}

/**
 * For acting on a task as `role` (staff completes, supervisor extends/acknowledges): the task must
 * be in one of the caller's units for that role, and share its case with that unit. A task the
 * caller cannot see (of a case not shared with them, or waiting for consent, or withdrawn) is 404;
 * a visible case's task in someone else's unit is 403.
 */
export async function assertTaskActionAllowed(
  deps: ApiDeps,
  p: Principal,
  taskId: string,
  role: 'staff' | 'supervisor',
): Promise<{ caseId: string; unitCode: string }> {
  const units = hasRole(p, role) ? (role === 'staff' ? p.units : p.supervisedUnits) : [];
  return assertTaskInUnits(deps, p, taskId, units, `only ${role} of the task's unit may do this`);
}

/**
 * The one check behind the task scopes: the task is in one of `units` and shares its case with
 * that unit (coordinators see any task, and are told its state); otherwise 404 where the caller
 * cannot see the case, else 403 with `refusal`.
 */
async function assertTaskInUnits(deps: ApiDeps, p: Principal, taskId: string, units: string[], refusal: string): Promise<{ caseId: string; unitCode: string }> {
  const task = await deps.prisma.task.findUnique({ where: { id: taskId }, select: { caseId: true, unit: { select: { code: true } } } });
  const notFound = new AppError(ErrorCode.TaskNotFound, 'no such task');
  if (!task) throw notFound;
  const found = { caseId: task.caseId, unitCode: task.unit.code };
  if (units.includes(task.unit.code)) {
    // Nothing before consent: a task that shares nothing with its unit (waiting, withdrawn) is not
    // there for that unit; coordinators see it, and are told its state.
    if (!hasRole(p, 'coordinator') && (await tasksNoLongerSharing(deps, [task.unit.code], taskId)).length) throw notFound;
    return found;
  }
  await assertCaseVisible(deps, p, task.caseId).catch(() => {
    throw notFound;
  });
  throw new AppError(ErrorCode.Forbidden, refusal);
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

/**
 * Who works in a unit is for the unit itself (its staff and supervisors) and for those who work
 * across units (coordinators, admins): another unit's or agency's staff get 403 (units are not secret, their people are).
 */
function assertUnitPeopleVisible(p: Principal, unitCode: string): string {
  if (hasRole(p, 'coordinator', 'admin') || visibleUnits(p).includes(unitCode)) return unitCode;
  throw new AppError(ErrorCode.Forbidden, 'only the unit\'s staff and supervisors, coordinators and admins see who works in it');
}

/**
 * Acknowledging: the escalation must be addressed to a unit the caller supervises (the task's
 * unit, or the coordinators' for a consent wait), and one addressed to the task's unit only while
 * that task shares its case. An escalation the caller may not see is 404; one they see (it is
 * addressed to them) but may not act on is 403.
 */
export async function assertEscalationActionAllowed(deps: ApiDeps, p: Principal, escalationId: string) {
  const escalation = await deps.prisma.escalation.findUnique({
    where: { id: escalationId },
    select: { taskId: true, caseId: true, unit: { select: { code: true } }, task: { select: { status: true, unit: { select: { code: true } } } } },
  });
  const notFound = new AppError(ErrorCode.EscalationNotFound, 'no such escalation');
  if (!escalation) throw notFound;
  const addressed = escalation.unit.code;
  const toTaskUnit = addressed === escalation.task.unit.code;
  const hidden = toTaskUnit && !hasRole(p, 'coordinator') && (await tasksNoLongerSharing(deps, [addressed], escalation.taskId)).length > 0;
  const mine = hasRole(p, 'supervisor') && p.supervisedUnits.includes(addressed);
  if (mine && !hidden) return { taskId: escalation.taskId, caseId: escalation.caseId, unitCode: addressed };
  if (!hidden && (hasRole(p, 'coordinator') || visibleUnits(p).includes(addressed))) {
    throw new AppError(ErrorCode.Forbidden, 'only supervisors of the unit the escalation is addressed to may acknowledge it');
  }
  throw notFound;
}

/**
 * Reading a task's own matter (its notes): a coordinator, or staff or a supervisor of the unit
 * holding it; another agency's work stays with it. A task of a case the caller cannot see is 404;
 * a visible case's task in another unit is 403. Answers the task's case.
 */
export async function assertTaskVisible(deps: ApiDeps, p: Principal, taskId: string): Promise<string> {
  if (hasRole(p, 'coordinator')) {
    const task = await deps.prisma.task.findUnique({ where: { id: taskId }, select: { caseId: true } });
    if (!task) throw new AppError(ErrorCode.TaskNotFound, 'no such task');
    return task.caseId;
  }
  return (await assertTaskInUnits(deps, p, taskId, visibleUnits(p), "only coordinators and the task's unit may do this")).caseId;
}
