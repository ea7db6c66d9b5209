import { WorkflowUpdateFailedError } from '@temporalio/client';
import { closeCaseUpdate, type CaseResult, type CaseWorkflowInput } from '../../domain/messages';
import { rulesYouthConcernPolicy } from '../support/policies';
import { startHarness, type Harness } from '../support/workflowHarness';

let h: Harness;
const policy = rulesYouthConcernPolicy('wf-case-ops');
const input = (over: Partial<CaseWorkflowInput> = {}): Omit<CaseWorkflowInput, 'caseId'> => ({
  policy,
  receivedAt: new Date().toISOString(),
  receiptStated: true,
  routing: { tableVersion: 'test', ruleId: 'test', tracks: ['police-lul'], units: {}, subjectIsMinor: true },
  ...over,
});

describe('closing and reopening a case (workflow level, activities faked)', () => {
  beforeAll(async () => {
    h = await startHarness('case-ops');
    await h.warmUp();
  });
  afterAll(async () => {
    await h.teardown();
  });

  it('when a coordinator closes a case with both tracks running, then each running task ends as closed, no next step starts, and the case records the reason', async () => {
    const kase = await h.startCase('youthConcernCase', input());
    const id = kase.workflowId;
    await h.openTask(`${id}.protection-assessment`);
    await h.openTask(`${id}.lul-notification`);
    await h.openTask(`${id}.police-investigation`);
    const view = await kase.executeUpdate(closeCaseUpdate, { args: [{ reason: 'duplicate', actor: 'coordinator-1' }] });
    expect(view).toMatchObject({ status: 'closed', closeReason: 'duplicate' });
    expect(await kase.result()).toMatchObject<Partial<CaseResult>>({ status: 'closed', closeReason: 'duplicate' });
    const ended = h.callsOf('recordTaskEnded').filter((c) => String(c.taskId).startsWith(id));
    expect(ended.map((c) => [c.taskId, c.status]).sort()).toEqual([
      [`${id}.lul-notification`, 'closed'],
      [`${id}.police-investigation`, 'closed'],
      [`${id}.protection-assessment`, 'closed'],
    ]);
    // The next steps (the decision, the prosecutor's statement) never started: a closing case starts nothing more.
    expect(h.callsOf('openTask').filter((c) => String(c.taskId).startsWith(id)).map((c) => c.stepKey).sort()).toEqual(['lulNotification', 'policeInvestigation', 'protectionAssessment']);
    expect(h.callsOf('recordCaseProgress', { caseId: id }).at(-1)).toMatchObject({ status: 'closed', closeReason: 'duplicate' });

    // A second close meets a closed case.
    await expect(kase.executeUpdate(closeCaseUpdate, { args: [{ reason: 'completed', actor: 'coordinator-1' }] })).rejects.toBeDefined();
  });

  it('when a close names no known reason, then the validator refuses it and the case runs on', async () => {
    const kase = await h.startCase('youthConcernCase', input());
    await h.openTask(`${kase.workflowId}.protection-assessment`);
    const refused = await kase.executeUpdate(closeCaseUpdate, { args: [{ reason: 'bored' as 'completed', actor: 'coordinator-1' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'VALIDATION_FAILED' });
    await kase.terminate();
  });

  it('when a case is reopened at its investigation, then that step opens with a -r1 id and its clock from the reopening, and nothing before it runs', async () => {
    const kase = await h.startCase('youthConcernCase', input({ routing: { tableVersion: 'test', ruleId: 'test', tracks: [], units: {}, subjectIsMinor: true }, reopen: { count: 1, fromStep: 'investigation', consents: [] } }));
    const id = kase.workflowId;
    const investigation = await h.openTask(`${id}.investigation-r1`);
    expect(Math.abs(Date.parse(investigation.startedAt) - Date.now())).toBeLessThan(30_000);
    expect(h.callsOf('openTask').filter((c) => String(c.taskId).startsWith(id)).map((c) => c.stepKey)).toEqual(['investigation']);
    expect(h.callsOf('recordCaseProgress', { caseId: id })[0]).toMatchObject({ status: 'open', currentStep: 'investigation' });
    await h.complete(`${id}.investigation-r1`, 'no-measures');
    expect(await kase.result()).toMatchObject({ status: 'closed', steps: [{ stepKey: 'investigation', outcome: 'no-measures' }] });
  });
});
