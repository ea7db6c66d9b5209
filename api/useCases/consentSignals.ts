import { log } from '../../config/log';
import { consentChangedSignal, type ConsentChangedInput } from '../../domain/messages';
import type { ApiDeps } from '../context';
import { isUnavailable } from '../errors';
import { temporalDeadlineMs } from './caseWorkflow';

/**
 * The second half of "record the row, then tell Temporal" for consents: the case workflow is told
 * the row's current state, and the row is marked once it has been. What a request could not
 * deliver (Temporal away, the case not started yet) the reconciler delivers later. The workflow's
 * handler keeps consents by id and never turns a withdrawn one back to given, so a repeated or late
 * delivery changes nothing.
 */

export interface ConsentRow {
  id: string;
  personRole: string;
  receivingAgency: string;
  purpose: string;
  expiresAt: Date | null;
  withdrawnAt: Date | null;
}

/** The signal carries the person's role only, never a name. */
function changeOf(row: ConsentRow): ConsentChangedInput {
  return {
    consentId: row.id,
    personRole: row.personRole as ConsentChangedInput['personRole'],
    agency: row.receivingAgency,
    purpose: row.purpose,
    status: row.withdrawnAt ? 'withdrawn' : 'given',
    ...(row.expiresAt && !row.withdrawnAt ? { expiresAt: row.expiresAt.toISOString() } : {}),
  };
}

/** Marks what the workflow now knows; a withdrawal is never overwritten by a late "given". */
async function markSignalled({ prisma }: ApiDeps, id: string, status: 'given' | 'withdrawn'): Promise<void> {
  await prisma.consent.updateMany({
    where: { id, ...(status === 'given' ? { signalledStatus: null } : {}) },
    data: { signalledStatus: status },
  });
}

async function signal(deps: ApiDeps, workflowId: string, row: ConsentRow): Promise<void> {
  const change = changeOf(row);
  await deps.temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, () =>
    deps.temporal.workflow.getHandle(workflowId).signal(consentChangedSignal, change),
  );
  await markSignalled(deps, row.id, change.status);
}

/** Tells the case workflow now if it can; otherwise the reconciler does. The recorded row is the answer either way. */
export async function tellCaseWorkflow(deps: ApiDeps, workflowId: string, row: ConsentRow): Promise<void> {
  try {
    await signal(deps, workflowId, row);
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
        { withdrawnAt: { lt: cutoff }, OR: [{ signalledStatus: null }, { signalledStatus: 'given' }] },
      ],
    },
    include: { case: { select: { workflowId: true, status: true } } },
    orderBy: { createdAt: 'asc' },
    take: 100,
  });
  let delivered = 0;
  let refused = 0;
  for (const row of rows) {
    try {
      if (row.case.status === 'closed') await markSignalled(deps, row.id, row.withdrawnAt ? 'withdrawn' : 'given');
      else await signal(deps, row.case.workflowId, row);
      delivered++;
    } catch (err) {
      refused++;
      if (isUnavailable(err)) break;
    }
  }
  return { delivered, refused };
}
