import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { defaultReopenWithin, reopenableSteps } from '../../domain/caseClosing';
import { addSpan } from '../../domain/deadlines';
import { ErrorCode } from '../../domain/errors';
import type { CaseType } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { policyByVersion } from '../publishedVersions';
import { startCaseRun } from './startCaseRun';

/**
 * A coordinator reopens a closed case within its policy's period (`reopenWithin`), from a step
 * the case type can start again from, with a reason (kept encrypted). A new run of the case's
 * workflow starts there; its deadlines count from now. The reopening takes the case's next
 * number with one conditional update, so of two at once only one starts a run.
 */
export async function reopenCase(deps: ApiDeps, caseId: string, body: { fromStep: string; reason: string }, actor: string) {
  const { prisma, fieldCrypto } = deps;
  const kase = await prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  if (kase.status !== 'closed' || !kase.closedAt) throw new AppError(ErrorCode.CaseNotReopenable, 'the case is not closed', { reason: kase.status });
  if (kase.pseudonymisedAt) throw new AppError(ErrorCode.CaseNotReopenable, "retention has removed the case's personal data; register a new referral", { reason: 'pseudonymised' });
  const policy = await policyByVersion(deps, kase.caseType, kase.policyVersion);
  const now = new Date();
  const until = addSpan(kase.closedAt, policy.reopenWithin ?? defaultReopenWithin, { timeZone: policy.timeZone });
  if (now > until) throw new AppError(ErrorCode.CaseNotReopenable, `the case closed too long ago to reopen (until ${until.toISOString()})`, { reason: 'period-passed' });
  const steps = reopenableSteps[kase.caseType as CaseType].filter((s) => s in policy.steps);
  if (!steps.includes(body.fromStep)) throw new AppError(ErrorCode.CaseNotReopenable, `a ${kase.caseType} case reopens from one of: ${steps.join(', ')}`, { reason: 'step' });

  const count = kase.reopenCount + 1;
  const claimed = await prisma.case.updateMany({ where: { id: caseId, status: 'closed', reopenCount: kase.reopenCount }, data: { reopenCount: count } });
  if (claimed.count === 0) throw new AppError(ErrorCode.CaseNotReopenable, 'the case is being reopened already', { reason: 'reopening' });
  try {
    await startCaseRun(deps, { caseId, caseType: kase.caseType, policyVersion: kase.policyVersion, startArgs: kase.startArgs, count, fromStep: body.fromStep, at: now });
  } catch (err) {
    // The case's last run is still finishing its close: the reopening can be asked again in a moment.
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new AppError(ErrorCode.CaseNotReopenable, 'the case is still closing; try again in a moment', { reason: 'closing' });
    throw err;
  }
  const id = randomUUID();
  await prisma.$transaction([
    prisma.case.update({ where: { id: caseId }, data: { closedBy: null } }),
    // The new run records its own progress too; whichever writes first, the row reads open.
    prisma.case.updateMany({ where: { id: caseId, status: 'closed' }, data: { status: 'open', currentStep: body.fromStep, closedAt: null, closeReason: null } }),
    prisma.caseEvent.create({ data: { id, caseId, action: 'reopened', actor, fromStep: body.fromStep, noteEnc: fieldCrypto.encrypt(body.reason, `case_event.note:${id}`), at: now } }),
  ]);
  return { caseId, status: 'open' as const, fromStep: body.fromStep, reopenedAt: now.toISOString(), reopenCount: count };
}
