import { log, uuid4, workflowInfo } from '@temporalio/workflow';
import type { PageResult } from '../activities/watchdog';
import type { WatchdogSweepInput } from '../domain/watchdog';
import { sweepActivities as act, watchdogMailActivities as mail } from './activityProxies';

export interface WatchdogSweepResult {
  runId: string;
  casesChecked: number;
  tasksChecked: number;
  opened: number;
  resolved: number;
  open: number;
}

const defaultPageSize = 500;

/** Runs one paged check to its end; returns how many rows it checked. */
async function allPages(check: (after: string | undefined) => Promise<PageResult>): Promise<number> {
  let checked = 0;
  let after: string | undefined;
  for (;;) {
    const page = await check(after);
    checked += page.checked;
    if (!page.next) return checked;
    after = page.next;
  }
}

/**
 * Started by the watchdog Schedule (worker/watchdogSchedule.ts): compares the read model with
 * Temporal and the policies, page by page, records what it finds, resolves what it no longer
 * finds, records the run, and mails the operations unit about new findings. Ids only, never
 * personal data. It never repairs anything: that is a person's decision (README "The watchdog").
 */
export async function watchdogSweep(input: WatchdogSweepInput): Promise<WatchdogSweepResult> {
  const run = { runId: uuid4(), at: new Date(Date.now()).toISOString() };
  const limit = input.pageSize ?? defaultPageSize;
  const casesChecked = await allPages((after) => act.watchdogCheckCases({ ...run, after, limit }));
  const tasksChecked = await allPages((after) => act.watchdogCheckTasks({ ...run, after, limit, escalationGraceMs: input.escalationGraceMs }));
  const starting = await allPages((after) => act.watchdogCheckStarting({ ...run, after, limit, startingAfterMs: input.startingAfterMs }));
  const escalationsChecked = await allPages((after) =>
    act.watchdogCheckEscalations({ ...run, after, limit, unacknowledgedAfterMs: input.unacknowledgedAfterMs }),
  );
  const { checked: unitsChecked } = await act.watchdogCheckUnits(run);
  const outcome = await act.watchdogFinishRun({
    ...run,
    workflowId: workflowInfo().workflowId,
    casesChecked: casesChecked + starting,
    tasksChecked,
    escalationsChecked,
    unitsChecked,
  });
  try {
    await mail.watchdogNotifyFindings({ operationsUnitCode: input.operationsUnitCode, limit: 100 });
  } catch {
    // The findings stay unmailed and the next sweep tries again; the run itself is recorded.
    log.warn('watchdog could not mail the operations unit');
  }
  return { runId: run.runId, casesChecked: casesChecked + starting, tasksChecked, ...outcome };
}
