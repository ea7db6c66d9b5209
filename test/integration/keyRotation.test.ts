import type { Payload } from '@temporalio/common';
import { parseKeyring } from '../../security/keyring';
import { keyIdOf } from '../../security/payloadCodec';
import { rotatedPayloadKeysSpec } from '../support/keys';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';

/** Key ids of the payloads in one history event (undefined for a clear payload). */
function keyIds(value: unknown, out: Array<string | undefined> = [], seen = new Set<unknown>()): Array<string | undefined> {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array || seen.has(value)) return out;
  seen.add(value);
  const v = value as Record<string, unknown>;
  // patched('…') markers and its TemporalChangeVersion search attribute are written by the SDK
  // core outside the data converter, and carry only patch ids (personalData.test.ts checks them).
  if (v.markerRecordedEventAttributes || v.upsertWorkflowSearchAttributesEventAttributes) return out;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') out.push(keyIdOf(v as Payload));
  else for (const child of Object.values(v)) keyIds(child, out, seen);
  return out;
}

describe('payload key rotation on a running case', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A first deadline long enough that its timer is still pending when the keys rotate.
    stack = await startStack('rotation', {
      policy: fastYouthConcernPolicy('test-rotation', {
        protectionAssessment: {
          deadline: { kind: 'span', span: { amount: 300, unit: 'seconds' } },
          reminders: [{ atFraction: 0.5 }],
          escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }],
        },
      }),
    });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when the keys rotate from k1 to k2 while a case runs, then the case continues, old payloads still decode and new payloads use k2', async () => {
    expect(stack.payloadKeys.currentId).toBe('k1');
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 16 } } })
      .expect(201);
    const caseId: string = body.caseId;
    const first = await eventually('the first task to open', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }), 60_000);
    await eventually('the first task timers to run', async () =>
      (await stack.rawClient.workflow.getHandle(first.id).fetchHistory()).events?.some((e) => e.timerStartedEventAttributes),
      60_000,
    );

    // Rotate: the worker restarts with k2 first and k1 kept for decryption; the API encrypts with k2.
    await stack.stopWorker();
    await stack.startWorker({ payloadKeys: parseKeyring(rotatedPayloadKeysSpec) });
    expect(stack.payloadKeys.currentId).toBe('k2');

    await stack.api.post(`/tasks/${first.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const second = await eventually('the decision task to open', () =>
      stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'investigationDecision', status: 'open' } }), 60_000);
    await stack.api.post(`/tasks/${second.id}/complete`).send({ outcome: 'no-investigation' }).expect(200);
    // As the cluster sees it: the start was encrypted with k1, everything after the rotation with k2.
    const events = await eventually('the case workflow to complete', async () => {
      const history = (await stack.rawClient.workflow.getHandle(caseId).fetchHistory()).events ?? [];
      return history.some((e) => e.workflowExecutionCompletedEventAttributes) && history;
    }, 60_000);
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes);
    const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
    expect(keyIds(started)).toEqual(['k1']);
    expect(new Set(keyIds(completed))).toEqual(new Set(['k2']));
    const all = keyIds(events);
    expect(all).not.toContain(undefined);
    expect(new Set(all)).toEqual(new Set(['k1', 'k2']));
    // The second task started after the rotation, so its own history is k2 throughout.
    expect(new Set(keyIds((await stack.rawClient.workflow.getHandle(second.id).fetchHistory()).events))).toEqual(new Set(['k2']));
    // The update that completed the first task came from the rotated API.
    const firstEvents = (await stack.rawClient.workflow.getHandle(first.id).fetchHistory()).events ?? [];
    expect(keyIds(firstEvents.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes))).toEqual(['k2']);
  });
});
