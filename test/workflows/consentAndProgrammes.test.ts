import type { WorkflowHandle } from '@temporalio/client';
import { consentChangedSignal, getCaseStateQuery, type CaseResult, type CaseWorkflowInput, type ConsentChangedInput, type RoutingDecision } from '../../domain/messages';
import { rulesExitPolicy, rulesSigPolicy, rulesYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { startHarness, type Harness } from '../support/workflowHarness';

let h: Harness;
let consents = 0;
const routing = (subjectIsMinor: boolean, over: Partial<RoutingDecision> = {}): RoutingDecision => ({ tableVersion: 'test', ruleId: 'test', tracks: [], units: {}, subjectIsMinor, ...over });
const input = (policy: CaseWorkflowInput['policy'], over: Partial<CaseWorkflowInput> = {}): Omit<CaseWorkflowInput, 'caseId'> => ({
  policy,
  receivedAt: new Date().toISOString(),
  routing: routing(false),
  ...over,
});

/** What the API signals when a coordinator records an answer: a role, never a name. */
async function answer(kase: WorkflowHandle, over: Partial<ConsentChangedInput>): Promise<void> {
  consents += 1;
  await kase.signal(consentChangedSignal, { consentId: `c-${consents}`, personRole: 'subject', agency: 'social-services', purpose: 'sig', status: 'given', givenAt: new Date().toISOString(), ...over });
}
const statusOf = (taskId: string) => h.tasks.get(taskId)?.status;

describe('consent and the voluntary programmes (workflow level, activities faked)', () => {
  beforeAll(async () => {
    h = await startHarness('consent-rules');
    await h.warmUp();
  });
  afterAll(async () => {
    await h.teardown();
  });

  it('when a minor\'s case records two guardians, then one guardian\'s consent leaves the task waiting and the second opens it (finding 7)', async () => {
    const kase = await h.startCase('socialInterventionGroupCase', input(rulesSigPolicy('wf-sig'), { routing: routing(true), guardians: 2 }));
    const plan = `${kase.workflowId}.action-plan`;
    await h.until('the plan waiting', () => statusOf(plan) === 'waiting-for-consent');
    await answer(kase, {});
    await answer(kase, { personRole: 'guardian' });
    // Once the case answers a query it has applied both answers, and it told the task nothing.
    await kase.query(getCaseStateQuery);
    const told = (await kase.fetchHistory()).events?.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes) ?? [];
    expect(told).toEqual([]);
    expect(statusOf(plan)).toBe('waiting-for-consent');
    await answer(kase, { personRole: 'guardian' });
    const opened = await h.openTask(plan);
    expect(opened.clock).toEqual({ from: 'consent' });
    await kase.terminate();
  });

  it('when only social services may share, then reviews start from the action plan while the police contribution still waits (finding 4)', async () => {
    const kase = await h.startCase('socialInterventionGroupCase', input(rulesSigPolicy('wf-sig')));
    const id = kase.workflowId;
    await answer(kase, {});
    await h.complete(`${id}.action-plan`, 'plan-agreed');
    await h.openTask(`${id}.review-1`);
    expect(statusOf(`${id}.police-contribution`)).toBe('waiting-for-consent');
    await h.complete(`${id}.review-1`, 'close-case');
    const result = (await kase.result()) as CaseResult;
    // The police contribution, still waiting when the case closed, closed with it.
    expect(statusOf(`${id}.police-contribution`)).toBe('closed');
    expect(result.steps.map((s) => `${s.stepKey}:${s.outcome}`).sort()).toEqual(['actionPlan:plan-agreed', 'policeContribution:closed', 'review:close-case']);
    await recordHistory(h.client, id, 'v3-socialInterventionGroupCase-reviews-from-plan');
  });

  it('when consent to social services is refused, then the plan ends as not shared and the case closes for want of consent, leaving no one waiting (finding 4)', async () => {
    const kase = await h.startCase('socialInterventionGroupCase', input(rulesSigPolicy('wf-sig')));
    const id = kase.workflowId;
    await h.until('the plan waiting', () => statusOf(`${id}.action-plan`) === 'waiting-for-consent');
    await answer(kase, { status: 'refused' });
    const result = (await kase.result()) as CaseResult;
    expect(result.closeReason).toBe('no-consent');
    expect([statusOf(`${id}.action-plan`), statusOf(`${id}.police-contribution`)]).toEqual(['not-shared', 'closed']);
    expect(h.callsOf('recordCaseProgress', { caseId: id, status: 'closed' })).toEqual([expect.objectContaining({ closeReason: 'no-consent' })]);
  });

  it('when a consent nears its end, then the coordinators get a re-confirmation task due when it ends; when it ends anyway, the task it covered is withdrawn and they are told (finding 7)', async () => {
    const kase = await h.startCase('socialInterventionGroupCase', input(rulesSigPolicy('wf-sig')));
    const id = kase.workflowId;
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    await answer(kase, { expiresAt, reconfirmAt: new Date(Date.now() + 300).toISOString() });
    await h.openTask(`${id}.action-plan`);
    const reconfirm = await h.until('the re-confirmation task', () => [...h.tasks.values()].find((t) => t.caseId === id && t.stepKey === 'consentReconfirmation' && t.status === 'open'));
    expect(reconfirm.dueAt).toBe(expiresAt);
    expect(h.callsOf('openTask', { taskId: reconfirm.taskId })[0]).toMatchObject({ unitCode: 'vpc-coordination' });

    await h.until('the plan withdrawn at expiry', () => statusOf(`${id}.action-plan`) === 'withdrawn', 5_000);
    const told = await h.until('the coordinators told', () => h.emailsOf({ taskId: `${id}.action-plan`, kind: 'consent-expired' })[0]);
    expect(told.recipientUnitCode).toBe('vpc-coordination');
    await kase.terminate();
    await recordHistory(h.client, id, 'v3-socialInterventionGroupCase-reconfirmation-expiry');
  });

  it('when an exit referral is declined at the first conversation, then the case closes with that outcome and no further step opens (finding 4)', async () => {
    const kase = await h.startCase('exitProgrammeCase', input(rulesExitPolicy('wf-exit')));
    await h.complete(`${kase.workflowId}.first-conversation`, 'declined');
    const result = (await kase.result()) as CaseResult;
    expect(result).toMatchObject({ closeReason: 'declined', steps: [{ stepKey: 'firstConversation', outcome: 'declined' }] });
    await recordHistory(h.client, kase.workflowId, 'v3-exitProgrammeCase-declined');
  });

  it('when the initial assessment finds no motivation, then the case closes as not-motivated (finding 4)', async () => {
    const kase = await h.startCase('exitProgrammeCase', input(rulesExitPolicy('wf-exit')));
    await h.complete(`${kase.workflowId}.first-conversation`, 'held');
    await h.complete(`${kase.workflowId}.initial-assessment`, 'not-motivated');
    expect(((await kase.result()) as CaseResult).closeReason).toBe('not-motivated');
  });

  it('when one agency refuses and joint-plan steps are not needed, then those end without sharing and the exit case goes on (finding 4)', async () => {
    const kase = await h.startCase('exitProgrammeCase', input(rulesExitPolicy('wf-exit')));
    const id = kase.workflowId;
    await h.complete(`${id}.first-conversation`, 'held');
    await h.complete(`${id}.initial-assessment`, 'motivated');
    await answer(kase, { purpose: 'exit' });
    await answer(kase, { agency: 'police', purpose: 'exit', status: 'refused' });
    await h.complete(`${id}.mapping`, 'mapped');
    await h.complete(`${id}.working-group`, 'engaged');
    await h.until('the threat assessment not shared', () => statusOf(`${id}.threat-assessment`) === 'not-shared');
    // The joint plan: housing and employment are not needed; nothing was shared with them.
    for (const step of ['joint-plan-housing', 'joint-plan-employment']) {
      await h.until(`${step} waiting`, () => statusOf(`${id}.${step}`) === 'waiting-for-consent');
      await h.client.workflow.getHandle(`${id}.${step}`).executeUpdate('completeTask', { args: [{ outcome: 'not-needed', actor: 'coordinator-1' }] });
    }
    await h.complete(`${id}.joint-plan-addiction`, 'agreed');
    await h.until('the police joint plan not shared', () => statusOf(`${id}.joint-plan-police`) === 'not-shared');
    await h.openTask(`${id}.follow-up-1`);
    expect(h.callsOf('openTask', { taskId: `${id}.joint-plan-housing` })).toEqual([]);
    await kase.terminate();
    await recordHistory(h.client, id, 'v3-exitProgrammeCase-refused-not-needed');
  });

  it('when a 15-year-old\'s voluntary programme starts, then a linked youth concern starts beside it and opens the protection assessment whatever consent does (finding 3)', async () => {
    h.companionPolicies.set('youth-concern', rulesYouthConcernPolicy('wf-companion'));
    const kase = await h.startCase('socialInterventionGroupCase', input(rulesSigPolicy('wf-sig'), { routing: routing(true, { alongside: ['youth-concern'] }) }));
    const opened = await h.until('the companion case', () => h.callsOf('openCompanionCase', { besideCaseId: kase.workflowId })[0]);
    const companionId = opened.caseId as string;
    await h.openTask(`${companionId}.protection-assessment`);
    const companion = h.client.workflow.getHandle(companionId);
    expect((await companion.describe()).type).toBe('youthConcernCase');
    await h.complete(`${companionId}.protection-assessment`, 'no-immediate-risk');
    await h.openTask(`${companionId}.investigation-decision`);
    expect(statusOf(`${kase.workflowId}.action-plan`)).toBe('waiting-for-consent');
    await companion.terminate();
    await kase.terminate();
    await recordHistory(h.client, kase.workflowId, 'v3-socialInterventionGroupCase-companion');
    await recordHistory(h.client, companionId, 'v3-youthConcernCase-companion');
  });

  it('when the API recorded the linked youth concern, then the programme starts it under the id the API gave it', async () => {
    h.companionPolicies.set('youth-concern', rulesYouthConcernPolicy('wf-companion'));
    const companionId = `VPC-2026-C${String(Date.now()).slice(-7)}`;
    const kase = await h.startCase(
      'socialInterventionGroupCase',
      input(rulesSigPolicy('wf-sig'), { routing: routing(true, { alongside: ['youth-concern'] }), companionIds: { 'youth-concern': companionId } }),
    );
    const opened = await h.until('the companion case', () => h.callsOf('openCompanionCase', { besideCaseId: kase.workflowId })[0]);
    expect(opened.caseId).toBe(companionId);
    await h.openTask(`${companionId}.protection-assessment`);
    await h.client.workflow.getHandle(companionId).terminate();
    await kase.terminate();
  });

  it('when answers arrive late or twice (the reconciler delivers at least once), then a withdrawn consent is never given or refused again', async () => {
    const kase = await h.startCase('socialInterventionGroupCase', input(rulesSigPolicy('wf-sig')));
    const id = kase.workflowId;
    const plan = `${id}.action-plan`;
    await h.until('the plan waiting', () => statusOf(plan) === 'waiting-for-consent');
    // The withdrawal is told first; a "given" and a "refused" for the same consent land after it.
    await answer(kase, { consentId: 'c-late', status: 'withdrawn' });
    await answer(kase, { consentId: 'c-late', status: 'given' });
    await answer(kase, { consentId: 'c-late', status: 'refused' });
    await kase.query(getCaseStateQuery);
    const told = (await kase.fetchHistory()).events?.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes) ?? [];
    expect(told).toEqual([]);
    expect(statusOf(plan)).toBe('waiting-for-consent');
    // A consent of its own still opens the plan.
    await answer(kase, {});
    await h.openTask(plan);
    await kase.terminate();
    await recordHistory(h.client, id, 'v3-socialInterventionGroupCase-late-answers');
  });
});
