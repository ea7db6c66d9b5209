import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '../../security/payloadCodec';
import { testPayloadKeys } from '../support/keys';
import { historiesDir, workflowIdOf } from '../support/recordHistory';
import { quietRuntime, testWorkflowBundle } from '../support/stack';

/**
 * Histories saved from real runs stand for cases already running in production. If a code change
 * makes any of them replay differently, running cases would break on the next deploy: use
 * `patched()` or a new workflow type instead, and keep these files as they are.
 */
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

describe('replay of saved histories', () => {
  beforeAll(quietRuntime);

  it('when every saved history is replayed with the current workflow code, then none fails with nondeterminism', async () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    const histories = files.map((file) => ({
      workflowId: workflowIdOf(file),
      history: historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8'))),
    }));
    const failures: Array<{ file: string; error: string }> = [];
    let replayed = 0;
    // The production codec with PAYLOAD_ACCEPT_UNENCRYPTED, as for replaying old histories: those
    // recorded before encryption are clear; newer ones were recorded under the fixed test key k1.
    const options = { workflowBundle: testWorkflowBundle(), dataConverter: encryptingDataConverter(testPayloadKeys(), { acceptUnencrypted: true }) };
    for await (const result of Worker.runReplayHistories(options, histories)) {
      replayed += 1;
      if (result.error) failures.push({ file: result.workflowId, error: String(result.error) });
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });

  it('when a history is altered to contradict the code, then replay reports nondeterminism', async () => {
    // Proves the check above can fail: swap the first activity's type in a walk history.
    const file = files.find((f) => f.startsWith('v1-taskWorkflow-walk'));
    expect(file).toBeDefined();
    const json = JSON.parse(readFileSync(join(historiesDir, file!), 'utf8'));
    const scheduled = json.events.find((e: Record<string, unknown>) => e.activityTaskScheduledEventAttributes);
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await expect(
      Worker.runReplayHistory({ workflowBundle: testWorkflowBundle() }, historyFromJSON(json), workflowIdOf(file!)),
    ).rejects.toThrow(/[Nn]ondeterminism|DeterminismViolation/);
  });
});
