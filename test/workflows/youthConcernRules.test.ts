import { WorkflowUpdateFailedError } from '@temporalio/client';
import { raiseAcuteThreatUpdate, type CaseResult, type CaseWorkflowInput, type RoutingDecision } from '../../domain/messages';
import { fastYouthConcernPolicy, rulesYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { startHarness, type Harness } from '../support/workflowHarness';

let h: Harness;
const policy = rulesYouthConcernPolicy('wf-youth');
const routing = (tracks: string[] = []): RoutingDecision => ({ tableVersion: 'test', ruleId: 'test', tracks, units: {}, subjectIsMinor: true });
const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000).toISOString();
const input = (over: Partial<CaseWorkflowInput> = {}): Omit<CaseWorkflowInput, 'caseId'> => ({
  policy,
  receivedAt: hoursAgo(3),
  receiptStated: true,
  routing: routing(),
  ...over,
});
const addDays = (iso: string, days: number) => {
  const d = new Date(iso);
  d.setUTCDate(d.getUTCDate() + days); // Stockholm keeps its offset over these 14 days in December
  return d.toISOString();
};

describe('youth concern: clocks, urgent work and outcomes (workflow level, activities faked)', () => {
  beforeAll(async () => {
    h = await startHarness('youth-rules');
    await h.warmUp();
  });
  afterAll(async () => {
    await h.teardown();
  });

  it('when the protection assessment is done late, then the decision still counts 14 days from receipt, and the investigation from the decision (finding 1)', async () => {
    const kase = await h.startCase('youthConcernCase', input());
    const { receivedAt } = input();
    const id = kase.workflowId;
    const assessment = await h.openTask(`${id}.protection-assessment`);
    expect(assessment.clock).toEqual({ from: 'receipt' });

    await h.complete(`${id}.protection-assessment`, 'no-immediate-risk');
    const decision = await h.openTask(`${id}.investigation-decision`);
    expect(decision.clock).toEqual({ from: 'receipt' });
    expect(Math.abs(Date.parse(decision.startedAt) - Date.parse(receivedAt))).toBeLessThan(5_000);
    expect(decision.dueAt).toBe(addDays(decision.startedAt, 14));

    const decided = await h.complete(`${id}.investigation-decision`, 'open-investigation');
    const investigation = await h.openTask(`${id}.investigation`);
    expect(investigation).toMatchObject({ startedAt: decided.completedAt, clock: { from: 'previousStep', ref: 'investigationDecision' } });
    await kase.terminate();
  });

  it('when the protection assessment finds immediate protection needed, then an urgent task due within hours opens beside the decision, the supervisor hears at once, and the case waits for it (finding 2)', async () => {
    const kase = await h.startCase('youthConcernCase', input());
    const id = kase.workflowId;
    const found = await h.complete(`${id}.protection-assessment`, 'immediate-protection-needed');

    const urgent = await h.openTask(`${id}.immediate-protection`);
    expect(urgent.startedAt).toBe(found.completedAt);
    expect(Date.parse(urgent.dueAt) - Date.parse(urgent.startedAt)).toBe(4 * 3_600_000);
    const assigned = await h.until('both assignment emails', () => {
      const mails = h.emailsOf({ taskId: urgent.taskId, kind: 'assigned' });
      return mails.length === 2 && mails;
    });
    expect(assigned.map((n) => n.target).sort()).toEqual(['unitInbox', 'unitSupervisor']);
    await h.openTask(`${id}.investigation-decision`);

    await h.complete(`${id}.investigation-decision`, 'no-investigation');
    await h.until('the decision recorded', () => h.callsOf('recordTaskCompleted', { taskId: `${id}.investigation-decision` }).length === 1);
    expect((await kase.describe()).status.name).toBe('RUNNING');
    await h.complete(urgent.taskId, 'urgent-decision-made');
    const result = (await kase.result()) as CaseResult;
    expect(result.steps.map((s) => s.stepKey).sort()).toEqual(['immediateProtection', 'investigationDecision', 'protectionAssessment']);
    await recordHistory(h.client, id, 'v3-youthConcernCase-immediate-protection');
  });

  it('when a follow-up says measures continue, then the next follow-up opens (continuing as new), until one closes the case (finding 5)', async () => {
    const kase = await h.startCase('youthConcernCase', input());
    const id = kase.workflowId;
    const firstRunId = (await kase.describe()).runId;
    for (const [step, outcome] of [
      ['protection-assessment', 'no-immediate-risk'],
      ['investigation-decision', 'open-investigation'],
      ['investigation', 'measures-decided'],
      ['intervention-plan', 'plan-agreed'],
      ['follow-up', 'measures-continue'],
      ['follow-up-2', 'measures-continue'],
      ['follow-up-3', 'case-closed'],
    ]) {
      await h.complete(`${id}.${step}`, outcome);
    }
    const result = (await kase.result()) as CaseResult;
    expect(result.steps.filter((s) => s.stepKey === 'followUp').map((s) => s.outcome)).toEqual(['measures-continue', 'measures-continue', 'case-closed']);
    // Each follow-up after the second ran in a run of its own.
    expect((await kase.describe()).runId).not.toBe(firstRunId);
    expect(h.tasks.get(`${id}.follow-up-3`)?.clock).toEqual({ from: 'previousStep', ref: 'followUp' });
    await recordHistory(h.client, id, 'v3-youthConcernCase-follow-ups-first-run', firstRunId);
    await recordHistory(h.client, id, 'v3-youthConcernCase-follow-ups-last-run');
  });

  it('when the police investigation is discontinued, then the police track ends without a statement to the prosecutor (finding 5)', async () => {
    const stated = hoursAgo(30);
    const kase = await h.startCase('youthConcernCase', input({ routing: routing(['police-lul']), dates: { suspicionNotifiedAt: stated } }));
    const id = kase.workflowId;
    const police = await h.openTask(`${id}.police-investigation`);
    expect(police).toMatchObject({ startedAt: stated, clock: { from: 'statedDate', ref: 'suspicionNotifiedAt' } });
    await h.complete(`${id}.lul-notification`, 'notified');
    await h.complete(`${id}.police-investigation`, 'investigation-discontinued');
    await h.complete(`${id}.protection-assessment`, 'no-immediate-risk');
    await h.complete(`${id}.investigation-decision`, 'no-investigation');
    const result = (await kase.result()) as CaseResult;
    expect(result.steps.map((s) => s.stepKey)).not.toContain('prosecutorStatement');
    expect(h.callsOf('openTask', { taskId: `${id}.prosecutor-statement` })).toEqual([]);
    await recordHistory(h.client, id, 'v3-youthConcernCase-police-discontinued');
  });

  it('when an acute threat is raised on a running case, then the police safety unit gets a same-day task with the reason, and the case waits for it (finding 8)', async () => {
    const kase = await h.startCase('youthConcernCase', input());
    const id = kase.workflowId;
    await h.openTask(`${id}.protection-assessment`);
    const { taskId } = await kase.executeUpdate(raiseAcuteThreatUpdate, { args: [{ reason: 'Threatened at school today', actor: 'coordinator-1' }] });
    const acute = await h.openTask(taskId);
    expect(acute).toMatchObject({ stepKey: 'acuteThreatAssessment', openReason: 'Threatened at school today', openedBy: 'coordinator-1', clock: { from: 'opening' } });
    expect(h.callsOf('openTask', { taskId })[0]).toMatchObject({ unitCode: 'police-safety' });

    await h.complete(`${id}.protection-assessment`, 'no-immediate-risk');
    await h.complete(`${id}.investigation-decision`, 'no-investigation');
    await h.until('the decision recorded', () => h.callsOf('recordTaskCompleted', { taskId: `${id}.investigation-decision` }).length === 1);
    expect((await kase.describe()).status.name).toBe('RUNNING');
    await h.complete(taskId, 'contact-made');
    await kase.result();
    await recordHistory(h.client, id, 'v3-youthConcernCase-acute-threat-raised');
  });

  it('when the case\'s policy has no acute-threat step, then raising one is refused naming the policy', async () => {
    const kase = await h.startCase('youthConcernCase', input({ policy: fastYouthConcernPolicy('wf-old') }));
    const err = await kase.executeUpdate(raiseAcuteThreatUpdate, { args: [{ reason: 'Threatened today', actor: 'c-1' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'INVALID_POLICY', message: expect.stringContaining('wf-old') });
    await kase.terminate();
  });
});
