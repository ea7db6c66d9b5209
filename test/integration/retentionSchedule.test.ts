import { ScheduleNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testPayloadKeys } from '../support/keys';
import { startTestTemporal } from '../support/stack';
import { runSetup, spawnWorker, type WorkerProcess } from '../support/workerProcess';

/**
 * The retention Schedule belongs to the one-shot setup step, not to every worker replica: a
 * worker that starts leaves Schedules alone, and the setup step creates the Schedule, and on a
 * later deploy brings it up to date with the configuration.
 */
describe('the retention Schedule is created by the setup step', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    // The setup step encrypts the Schedule's arguments like every payload; this client decodes them.
    [env, db] = await Promise.all([startTestTemporal(testPayloadKeys()), createTestDatabase('retention_setup')]);
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await env.teardown();
    await db.drop();
  });
  /** Each test its own task queue, so its own Schedule id. */
  const targetFor = (taskQueue: string) => ({ env: { address: env.address }, taskQueue, db });

  it('when a worker starts, then it does not create the Schedule', async () => {
    const target = targetFor(`retention-worker-${Date.now()}`);
    worker = await spawnWorker(target, { host: '127.0.0.1', port: 1 });
    await expect(env.client.schedule.getHandle(`retention-${target.taskQueue}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('when the setup step runs, then the Schedule exists with the configured interval and period, and a second run with a new period updates it', async () => {
    const taskQueue = `retention-setup-${Date.now()}`;
    const scheduleId = `retention-${taskQueue}`;
    const target = () => targetFor(taskQueue);
    const first = await runSetup(target(), { RETENTION_AFTER: 'P1Y', RETENTION_EVERY: 'PT6H' });
    expect(first).toMatchObject({ code: 0 });
    const described = await env.client.schedule.getHandle(scheduleId).describe();
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 6 * 3_600_000 })]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionSweep', taskQueue, args: [{ retainAfter: 'P1Y' }] });

    const second = await runSetup(target(), { RETENTION_AFTER: 'P3Y', RETENTION_EVERY: 'PT6H' });
    expect(second).toMatchObject({ code: 0 });
    expect((await env.client.schedule.getHandle(scheduleId).describe()).action).toMatchObject({ args: [{ retainAfter: 'P3Y' }] });
    await env.client.schedule.getHandle(scheduleId).delete();
  });
});
