import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { CaseWorkflowInput } from '../../domain/messages';
import type { CaseType } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { policyByVersion } from '../publishedVersions';
import { temporalDeadlineMs, workflowFor } from './caseWorkflow';
import { changeOf } from './consentSignals';
import type { StartArgs } from './recordCase';

export interface CaseRun {
  caseId: string;
  caseType: string;
  policyVersion: string;
  startArgs: unknown;
  /** The run's number (the case's reopen count after this one), and where it starts. */
  count: number;
  fromStep: string;
  at: Date;
}

/**
 * Starts a new run of a case whose workflow has ended (a reopening; a watchdog may use it for a
 * case whose workflow is gone): the case's own start input and policy version, starting at
 * `fromStep`, with deadlines counting from `at` (no stated receipt or dates of the first run), the
 * consents the case has recorded, and no companion cases started again. Workflow ids may repeat
 * once a run has closed, so the run takes the case's id.
 */
export async function startCaseRun(deps: ApiDeps, restart: CaseRun): Promise<void> {
  const { caseId, caseType, count, fromStep, at } = restart;
  const policy = await policyByVersion(deps, caseType, restart.policyVersion);
  const consents = await deps.prisma.consent.findMany({ where: { caseId }, orderBy: { givenAt: 'asc' } });
  const args = (restart.startArgs ?? {}) as Partial<StartArgs>;
  const input: CaseWorkflowInput = {
    caseId,
    policy,
    receivedAt: at.toISOString(),
    receiptStated: true,
    ...(args.routing ? { routing: { ...args.routing, alongside: [] } } : {}),
    ...(args.guardians !== undefined ? { guardians: args.guardians } : {}),
    ...(args.linkedCaseId ? { linkedCaseId: args.linkedCaseId } : {}),
    reopen: { count, fromStep, consents: consents.map((c) => changeOf(c, policy)) },
  };
  await deps.temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, () =>
    deps.temporal.workflow.start(workflowFor[caseType as CaseType], {
      workflowId: caseId,
      taskQueue: deps.config.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      args: [input],
    }),
  );
}
