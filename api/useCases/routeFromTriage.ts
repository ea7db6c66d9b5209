import type { Principal } from '../../domain/auth';
import { ErrorCode } from '../../domain/errors';
import type { CaseType } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { ReferralBody } from '../schemas';
import { subjectContext, type StartArgs } from './recordCase';
import { startManuallyRouted } from './startCase';
import { completeTask, refusalOf } from './tasks';

/** The outcome a triage task is completed with when its referral goes on to a routed case. */
export const routedOutcome = 'routed-manually';

/**
 * The referral a triage case holds, read back as it was registered: its facts from the case row
 * and start input, the person's details decrypted for this request only (they go straight into
 * the routed case, encrypted under its own id).
 */
async function referralOf(deps: ApiDeps, caseId: string): Promise<ReferralBody> {
  const kase = await deps.prisma.case.findUniqueOrThrow({ where: { id: caseId }, include: { subject: true } });
  const args = (kase.startArgs ?? {}) as Partial<StartArgs>;
  const open = (value: string | null | undefined, column: string) => (value ? deps.fieldCrypto.decrypt(value, subjectContext(caseId, column)) : undefined);
  const s = kase.subject;
  // Every case the API records names a registry agency; only a row written otherwise could lack one.
  if (kase.sourceAgency === null) throw new AppError(ErrorCode.AgencyNotFound, 'the triage case records no referring agency (referral.sourceAgency), so no case can start from it');
  return {
    sourceAgency: kase.sourceAgency,
    category: (kase.category ?? 'other') as ReferralBody['category'],
    urgency: (kase.urgency ?? 'normal') as ReferralBody['urgency'],
    suspectedOfCrime: args.routing?.tracks.includes('police-lul') ?? false,
    // The referral's receipt: deadlines from receipt count from when it arrived, not from triage.
    ...(args.receivedAt ? { receivedAt: args.receivedAt } : {}),
    subject: {
      ...(open(s?.displayNameEnc, 'display_name') ? { displayName: open(s?.displayNameEnc, 'display_name') } : {}),
      ...(open(s?.personalIdentityNumberEnc, 'personal_identity_number') ? { personalIdentityNumber: open(s?.personalIdentityNumberEnc, 'personal_identity_number') } : {}),
      ageYears: s?.ageYears ?? 0,
      ...(args.guardians !== undefined ? { guardians: args.guardians } : {}),
    },
    ...(open(s?.narrativeEnc, 'narrative') ? { narrative: open(s?.narrativeEnc, 'narrative') } : {}),
    ...(args.dates ? { dates: args.dates } : {}),
  };
}

/**
 * Completing a triage task with a routing decision: the case the coordinator chose starts from
 * the triage case's own referral (no re-typing), naming the triage case it came from, and then
 * the task is completed ("routed-manually"). The person's details never pass through the caller.
 *
 * The case comes first so that a failure leaves the triage task open (the referral still in
 * someone's inbox), never done with no case. The start is keyed by the triage task, not by the
 * caller: whoever routes it again after such a failure reaches the case already started instead
 * of starting a second one.
 */
export async function routeFromTriage(deps: ApiDeps, taskId: string, decision: { caseType: CaseType; tracks: string[] }, caller: Principal) {
  const task = await deps.prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { caseId: true, stepKey: true } });
  if (task.stepKey !== 'triage') throw new AppError(ErrorCode.NotTriage, 'only a triage task hands its referral on to a routed case');
  const refusal = await refusalOf(deps, taskId);
  if (refusal) throw refusal;
  const referral = await referralOf(deps, task.caseId);
  const started = await startManuallyRouted(deps, referral, { ...decision, triageCaseId: task.caseId }, { actor: triageRouteKeyOwner, idempotencyKey: taskId }).catch((err: unknown) => {
    // The key names the task, not a header the caller sent: say what was refused in those terms.
    if (err instanceof AppError && err.code === ErrorCode.IdempotencyKeyReused) {
      throw new AppError(ErrorCode.IdempotencyKeyReused, 'this triage task already started a case of another type or with other tracks; route it the same way, or route that case on');
    }
    // Nor did the caller send the agency: a triage case recorded before starts checked it.
    if (err instanceof AppError && err.code === ErrorCode.AgencyNotFound) {
      throw new AppError(ErrorCode.AgencyNotFound, `the triage case's referring agency (referral.sourceAgency: ${referral.sourceAgency}) is not in the registry; add it to the registry, then route again`);
    }
    throw err;
  });
  await deps.prisma.case.update({ where: { id: started.body.caseId }, data: { routedFromCaseId: task.caseId } });
  const completed = await completeTask(deps, taskId, { outcome: routedOutcome }, caller, { handedOn: true });
  return { triageCaseId: task.caseId, triageTask: { taskId, status: completed.status, outcome: routedOutcome }, case: started.body };
}

/** Whose key a routing start is under: the triage task's, whoever routes it. */
const triageRouteKeyOwner = 'triage-route';
