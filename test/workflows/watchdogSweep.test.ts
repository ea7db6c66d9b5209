import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { PageInput, PageResult } from '../../activities/watchdog';
import type { WatchdogSweepInput } from '../../domain/watchdog';
import { watchdogSweep } from '../../workflows';
import { startTestTemporal, testWorkflowBundle } from '../support/stack';

type WatchdogActivities = Pick<Activities, `watchdog${string}` & keyof Activities>;

const input: WatchdogSweepInput = {
  everyMs: 60_000,
  startingAfterMs: 60_000,
  unacknowledgedAfterMs: 60_000,
  escalationGraceMs: 1_000,
  operationsUnitCode: 'operations',
  pageSize: 2,
};

/** A read model of `rows` ids per check, paged as the real activities page it. */
function pager(rows: string[], seen: Array<string | undefined>) {
  return async (page: PageInput): Promise<PageResult> => {
    seen.push(page.after);
    const start = page.after ? rows.indexOf(page.after) + 1 : 0;
    const slice = rows.slice(start, start + page.limit);
    return { checked: slice.length, next: slice.length === page.limit ? slice[slice.length - 1] : null };
  };
}

describe('the watchdog sweep workflow, with its activities mocked', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTestTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function sweepWith(activities: Partial<WatchdogActivities>) {
    const base: WatchdogActivities = {
      watchdogCheckCases: async () => ({ checked: 0, next: null }),
      watchdogCheckTasks: async () => ({ checked: 0, next: null }),
      watchdogCheckStarting: async () => ({ checked: 0, next: null }),
      watchdogCheckEscalations: async () => ({ checked: 0, next: null }),
      watchdogCheckUnits: async () => ({ checked: 0 }),
      watchdogFinishRun: async () => ({ opened: 0, resolved: 0, open: 0 }),
      watchdogNotifyFindings: async () => ({ sent: 0 }),
    };
    const taskQueue = `watchdog-wf-${randomBytes(3).toString('hex')}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
      activities: { ...base, ...activities } as unknown as Activities,
    });
    return worker.runUntil(env.client.workflow.execute(watchdogSweep, { taskQueue, workflowId: `sweep-${taskQueue}`, args: [input] }));
  }

  it('when the read model spans several pages, then every page is read once, each resuming after the last id, and the run is finished once with the sums', async () => {
    const caseCursors: Array<string | undefined> = [];
    const taskCursors: Array<string | undefined> = [];
    const finished: Array<Parameters<Activities['watchdogFinishRun']>[0]> = [];
    const result = await sweepWith({
      watchdogCheckCases: pager(['c1', 'c2', 'c3', 'c4', 'c5'], caseCursors),
      watchdogCheckTasks: pager(['t1', 't2', 't3', 't4'], taskCursors),
      watchdogCheckUnits: async () => ({ checked: 3 }),
      watchdogFinishRun: async (run) => {
        finished.push(run);
        return { opened: 1, resolved: 2, open: 4 };
      },
    });
    expect(caseCursors).toEqual([undefined, 'c2', 'c4']);
    // A full last page is followed by one empty read, which ends the paging.
    expect(taskCursors).toEqual([undefined, 't2', 't4']);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ casesChecked: 5, tasksChecked: 4, escalationsChecked: 0, unitsChecked: 3, runId: result.runId });
    expect(result).toMatchObject({ casesChecked: 5, tasksChecked: 4, opened: 1, resolved: 2, open: 4 });
  });

  it('when mailing the operations unit keeps failing, then the sweep still ends, with its run recorded before the mail', async () => {
    const order: string[] = [];
    const result = await sweepWith({
      watchdogFinishRun: async () => {
        order.push('finish');
        return { opened: 1, resolved: 0, open: 1 };
      },
      watchdogNotifyFindings: async () => {
        order.push('mail');
        throw new Error('the relay refuses');
      },
    });
    expect(result.opened).toBe(1);
    expect(order).toEqual(['finish', 'mail', 'mail', 'mail']);
  });
});
