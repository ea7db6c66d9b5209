import { log } from '../../config/log';
import { addSpan } from '../../domain/deadlines';
import { consentFactOf, type ConsentRecord } from '../../domain/consent';
import { consentChangedSignal, type ConsentChangedInput } from '../../domain/messages';
import type { PolicyDocument } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { isUnavailable } from '../errors';
import { policyByVersion } from '../publishedVersions';
import { temporalDeadlineMs } from './caseWorkflow';

/**
 * The second half of "record the row, then tell Temporal" for consents: the case workflow is told
 * the row's current state, and the row is marked once it has been. What a request could not
 * deliver (Temporal away, the case not started yet) the reconciler delivers later. The workflow's
 * handler keeps consents by id and never moves one back (given → refused → withdrawn), so a
 * repeated or late delivery changes nothing. A refusal is a row of its own, told the same way.
 */

export interface ConsentRow extends ConsentRecord {
  id: string;
}

/** The case a consent belongs to: its workflow, and the policy version whose consent rules apply. */
export interface ConsentCase {
  workflowId: string;
  caseType: string;
  policyVersion: string;
}

type Told = ConsentChangedInput['status'];

/**
 * The signal carries the person's role only, never a name. A consent in force that ends carries
 * when the coordinators are asked to re-confirm it: the policy's interval before it ends.
 */
export function changeOf(row: ConsentRow, policy: PolicyDocument): ConsentChangedInput {
  const { expiresAt: _expiresAt, ...fact } = consentFactOf(row);
  const ends = fact.status === 'given' ? row.expiresAt : null;
  const reconfirmBefore = policy.consentRules?.reconfirmBefore;
  return {
    consentId: row.id,
    ...fact,
    ...(ends ? { expiresAt: ends.toISOString() } : {}),
    ...(ends && reconfirmBefore ? { reconfirmAt: addSpan(ends, reconfirmBefore, { timeZone: policy.timeZone }, -1).toISOString() } : {}),
  };
}

/** Marks what the workflow now knows; a withdrawal is never overwritten by a late "given" or "refused". */
async function markSignalled({ prisma }: ApiDeps, id: string, status: Told): Promise<void> {
  await prisma.consent.updateMany({
    where: { id, ...(status === 'withdrawn' ? {} : { signalledStatus: null }) },
    data: { signalledStatus: status },
  });
}

async function signal(deps: ApiDeps, kase: ConsentCase, row: ConsentRow): Promise<void> {
  const change = changeOf(row, await policyByVersion(deps, kase.caseType, kase.policyVersion));
  await deps.temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, () =>
    deps.temporal.workflow.getHandle(kase.workflowId).signal(consentChangedSignal, change),
  );
  await markSignalled(deps, row.id, change.status);
}

/** Tells the case workflow now if it can; otherwise the reconciler does. The recorded row is the answer either way. */
export async function tellCaseWorkflow(deps: ApiDeps, kase: ConsentCase, row: ConsentRow): Promise<void> {
  try {
    await signal(deps, kase, row);
  } catch (err) {
    log.warn('consent signal deferred to the reconciler', { consentId: row.id, error: err instanceof Error ? err.name : 'unknown' });
  }
}

/**
 * Delivers consent changes recorded more than `olderThanMs` ago that the case workflow has not been
 * told. A closed case has nothing left to tell. Stops at the first unreachable Temporal, like
 * resumeInterruptedStarts.
 */
export async function redeliverConsentSignals(deps: ApiDeps, opts: { olderThanMs: number }): Promise<{ delivered: number; refused: number }> {
  const cutoff = new Date(Date.now() - opts.olderThanMs);
  const rows = await deps.prisma.consent.findMany({
    where: {
      OR: [
        { signalledStatus: null, createdAt: { lt: cutoff } },
        { withdrawnAt: { lt: cutoff }, OR: [{ signalledStatus: null }, { signalledStatus: { in: ['given', 'refused'] } }] },
      ],
    },
    include: { case: { select: { workflowId: true, caseType: true, policyVersion: true, status: true } } },
    orderBy: { createdAt: 'asc' },
    take: 100,
  });
  let delivered = 0;
  let refused = 0;
  for (const row of rows) {
    try {
      if (row.case.status === 'closed') await markSignalled(deps, row.id, consentFactOf(row).status);
      else await signal(deps, row.case, row);
      delivered++;
    } catch (err) {
      refused++;
      if (isUnavailable(err)) break;
    }
  }
  return { delivered, refused };
}
