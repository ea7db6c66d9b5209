import { workflowInfo } from '@temporalio/workflow';
import { sweepActivities as act } from './activityProxies';

export interface RetentionSweepWorkflowInput {
  /** ISO-8601 duration after closing during which a case keeps its personal data. */
  retainAfter: string;
}

const batchSize = 200;
// Bounds one run's history; what is left waits for the next scheduled run.
const maxBatches = 25;

/**
 * Started by the retention Schedule (worker/retentionSchedule.ts): pseudonymises every closed
 * case past its retention period, in batches. Carries case ids only, never personal data.
 */
export async function retentionSweep(input: RetentionSweepWorkflowInput): Promise<{ pseudonymised: number }> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const { pseudonymised } = await act.pseudonymiseExpiredCases({
      retainAfter: input.retainAfter,
      performedBy: `retention:${workflowInfo().workflowId}`,
      batchSize,
    });
    total += pseudonymised.length;
    if (pseudonymised.length < batchSize) break;
  }
  return { pseudonymised: total };
}
