import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { WatchdogSweepInput } from '../domain/watchdog';
import { watchdogSweep } from '../workflows';
import { createOrUpdateSchedule } from './schedules';

export interface WatchdogScheduleOptions extends WatchdogSweepInput {
  scheduleId?: string;
  taskQueue: string;
}

/**
 * Creates the Temporal Schedule that runs the watchdog sweep, or brings an existing one up to
 * date with the configuration. Idempotent: the setup step (prisma/setup.ts) calls it at every
 * deploy, and `npm start` at its start.
 */
export async function ensureWatchdogSchedule(client: Client, opts: WatchdogScheduleOptions): Promise<string> {
  const { scheduleId: id, taskQueue, ...input } = opts;
  const scheduleId = id ?? `watchdog-${taskQueue}`;
  const options = {
    scheduleId,
    spec: { intervals: [{ every: input.everyMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: watchdogSweep,
      workflowId: `watchdog-sweep-${taskQueue}`,
      taskQueue,
      args: [input] as [WatchdogSweepInput],
    },
    // A sweep still running makes the next unnecessary; a missed one is not made up later.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
  } satisfies ScheduleOptions;
  return createOrUpdateSchedule(client, options);
}
