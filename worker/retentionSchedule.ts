import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { retentionSweep } from '../workflows';
import { createOrUpdateSchedule } from './schedules';

export interface RetentionScheduleOptions {
  scheduleId?: string;
  taskQueue: string;
  /** ISO-8601 duration a closed case keeps its personal data. */
  retainAfter: string;
  everyMs: number;
}

/**
 * Creates the Temporal Schedule that runs the retention sweep, or brings an existing one up to
 * date with the configuration. Idempotent: the setup step (prisma/setup.ts) calls it at every
 * deploy, and `npm start` at its start.
 */
export async function ensureRetentionSchedule(client: Client, opts: RetentionScheduleOptions): Promise<string> {
  const scheduleId = opts.scheduleId ?? `retention-${opts.taskQueue}`;
  const options = {
    scheduleId,
    spec: { intervals: [{ every: opts.everyMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: retentionSweep,
      workflowId: `retention-sweep-${opts.taskQueue}`,
      taskQueue: opts.taskQueue,
      args: [{ retainAfter: opts.retainAfter }] as [{ retainAfter: string }],
    },
    // A sweep that is still running makes the next one unnecessary.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  } satisfies ScheduleOptions;
  return createOrUpdateSchedule(client, options);
}
