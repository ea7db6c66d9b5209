import { WorkflowNotFoundError } from '@temporalio/client';
import { sv } from '../../domain/catalog';
import { ErrorCode } from '../../domain/errors';
import { addPlanTaskUpdate, jointPlanCaseTypes } from '../../domain/messages';
import type { PolicyDocument, StepPolicy } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { policyByVersion } from '../publishedVersions';
import { recordNote } from './addNote';


/**
 * The joint-plan task's step: the programme policy's own consent-gated step (its deadline,
 * reminders, escalation ladder, the consent's purpose, wait and who waits) for another unit, gated
 * on consent to share with that unit's agency. The coordinators' own unit needs no consent.
 */
function planStep(policy: PolicyDocument, unit: { code: string; name: string; agency: string }): StepPolicy {
  const steps = Object.entries(policy.steps);
  const template = (steps.find(([key, s]) => key.startsWith('jointPlan') && s.consent) ?? steps.find(([, s]) => s.consent))?.[1];
  if (!template?.consent) throw new AppError(ErrorCode.InvalidPolicy, `policy ${policy.version} has no consent-gated step to plan from`);
  const { consent, notifyOnOpen: _notify, legalBasis: _basis, clock: _clock, ...rest } = template;
  const gated = unit.code !== consent.waitUnitCode;
  return {
    ...rest,
    title: `${sv.jointPlanTitle}: ${unit.name}`,
    unitCode: unit.code,
    outcomes: ['agreed', 'not-needed'],
    ...(gated ? { consent: { ...consent, agency: unit.agency, outcomesWhileWaiting: ['not-needed'] } } : {}),
  };
}

/**
 * A coordinator adds a task for any registered, active unit to a SIG or exit case's joint plan.
 * It waits for consent to share with the unit's agency like the plan's other tasks, runs beside
 * the case's steps and ends with the case. What the task is about is kept as its running note
 * (encrypted), never in the workflow or an email.
 */
export async function addPlanTask(deps: ApiDeps, caseId: string, body: { unitCode: string; about?: string }, actor: string) {
  const { prisma } = deps;
  const kase = await prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { caseType: true, policyVersion: true, status: true, workflowId: true } });
  if (!jointPlanCaseTypes.includes(kase.caseType)) throw new AppError(ErrorCode.JointPlanNotAllowed, 'joint-plan tasks belong to SIG and exit cases');
  if (kase.status !== 'open') throw new AppError(ErrorCode.CaseNotOpen, kase.status === 'closed' ? 'the case is closed' : 'the case is still starting; try again in a moment', { reason: kase.status });
  const unit = await prisma.unit.findUnique({ where: { code: body.unitCode }, select: { code: true, name: true, active: true, agency: { select: { code: true } } } });
  if (!unit) throw new AppError(ErrorCode.UnitNotFound, 'no such unit in the registry');
  if (!unit.active) throw new AppError(ErrorCode.UnitInactive, 'the unit is deactivated and takes no new work');
  const step = planStep(await policyByVersion(deps, kase.caseType, kase.policyVersion), { code: unit.code, name: unit.name, agency: unit.agency.code });
  const { taskId } = await deps.temporal.workflow
    .getHandle(kase.workflowId)
    .executeUpdate(addPlanTaskUpdate, { args: [{ step, actor }] })
    .catch((err: unknown) => {
      throw err instanceof WorkflowNotFoundError ? new AppError(ErrorCode.CaseNotOpen, 'the case is closed', { reason: 'closed' }) : err;
    });
  // Answered once the task's row is there, so a read right after (the case page it returns to) lists it.
  const recorded = await taskRecorded(deps, taskId);
  if (body.about) await recordNote(deps, recorded ? { caseId, taskId } : { caseId }, body.about, actor);
  return { caseId, taskId, unit: unit.code, consent: step.consent ? { agency: step.consent.agency, purpose: step.consent.purpose } : null };
}

/** The task's row is written by its workflow as it opens: wait for it, a while (a note then goes on the case, if it is slow to come). */
async function taskRecorded(deps: ApiDeps, taskId: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await deps.prisma.task.findUnique({ where: { id: taskId }, select: { id: true } })) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
