import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { log } from '../../config/log';
import type { CaseWorkflowInput } from '../../domain/messages';
import type { CaseType } from '../../domain/policy';
import { Prisma } from '../../prisma/client';
import { exitProgrammeCase, socialInterventionGroupCase, triageCase, youthConcernCase } from '../../workflows';
import type { ApiDeps } from '../context';
import { isUnavailable } from '../errors';
import { policyByVersion } from '../publishedVersions';
import type { StartArgs } from './recordCase';

/** The second half of "record the row, then tell Temporal" for cases: starting the recorded case's workflow. */

export const workflowFor: Record<CaseType, typeof youthConcernCase> = {
  'youth-concern': youthConcernCase,
  'social-intervention-group': socialInterventionGroupCase,
  'exit-programme': exitProgrammeCase,
  triage: triageCase,
};

/** How long a request (or the reconciler) waits for Temporal before leaving the call to the reconciler. */
export const temporalDeadlineMs = 5_000;

export async function startWorkflow(deps: ApiDeps, caseType: CaseType, input: CaseWorkflowInput): Promise<void> {
  try {
    // Bounded: with Temporal away the client would retry for ~19 s, and neither a caller nor the
    // reconciler need wait for that; a start that lands after the deadline is found next time as
    // already there.
    await deps.temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, () =>
      deps.temporal.workflow.start(workflowFor[caseType], {
        workflowId: input.caseId,
        taskQueue: deps.config.taskQueue,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [input],
      }),
    );
  } catch (err) {
    // The workflow id is the id of a row this API recorded, so a workflow already there was
    // started for that row (by a retry, the reconciler, or an earlier attempt): that is success.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

interface CaseRowForStart {
  id: string;
  caseType: string;
  policyVersion: string;
  startArgs: unknown;
}

/** Starts the case's workflow from what its row recorded. Starting twice is harmless (see startWorkflow). */
export async function startRecordedCase(deps: ApiDeps, row: CaseRowForStart): Promise<void> {
  const policy = await policyByVersion(deps, row.caseType, row.policyVersion);
  await startWorkflow(deps, row.caseType as CaseType, { caseId: row.id, policy, ...(row.startArgs as StartArgs) });
}

/** A recorded case whose start Temporal did not take now: the reconciler starts it from its row. */
export function deferStart(caseId: string, err: unknown): void {
  log.warn('case start deferred to the reconciler', { caseId, error: err instanceof Error ? err.name : 'unknown' });
}

/**
 * Starts recorded cases that are still "starting" after `olderThanMs`: a crash cut their start
 * short, or Temporal could not take it then. Safe to run from every API replica at once. A case
 * Temporal refuses is counted and left for the next run; it does not hold up the others. If
 * Temporal cannot be reached at all, the run stops there: the rest would only wait out the same
 * deadline one by one.
 */
export async function resumeInterruptedStarts(deps: ApiDeps, opts: { olderThanMs: number }): Promise<{ started: number; refused: number }> {
  const rows = await deps.prisma.case.findMany({
    where: {
      status: 'starting',
      startArgs: { not: Prisma.DbNull },
      startConfirmedAt: null,
      createdAt: { lt: new Date(Date.now() - opts.olderThanMs) },
    },
    select: { id: true, caseType: true, policyVersion: true, startArgs: true },
    orderBy: { createdAt: 'asc' },
    take: 100,
  });
  const confirmed: string[] = [];
  let refused = 0;
  for (const row of rows) {
    try {
      await startRecordedCase(deps, row);
      confirmed.push(row.id);
    } catch (err) {
      refused++;
      if (isUnavailable(err)) break;
    }
  }
  // Its workflow exists now and will write the status itself (once a worker runs it); without
  // this mark, every pass would start the same oldest rows again, costing Temporal a call each.
  if (confirmed.length) await deps.prisma.case.updateMany({ where: { id: { in: confirmed } }, data: { startConfirmedAt: new Date() } });
  return { started: confirmed.length, refused };
}
