import { sv } from '../../domain/catalog';
import { caseView, complete, giveConsent, taskIn } from '../support/cases';
import { fastExitPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { startStack, type Stack } from '../support/stack';

const safetyInbox = 'bops@polisen.example';

describe('exit programme', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('exit', { policy: fastExitPolicy('test-exit', { followUpEverySeconds: 1 }) });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when an acute exit referral is routed, then the police safety unit gets a same-day task at once and the case walks its seven steps to monthly follow-up', async () => {
    const started = await stack.api
      .post('/referrals')
      .set('X-Actor-Id', 'coordinator-1')
      .send({ referral: { sourceAgency: 'police', category: 'network-exit', urgency: 'acute', subject: { ageYears: 23 } } })
      .expect(201);
    expect(started.body).toMatchObject({ caseType: 'exit-programme', policyVersion: 'test-exit', routing: { ruleId: 'exit-acute-threat', tracks: ['acute-threat'] } });
    const caseId = started.body.caseId as string;
    const firstRunId = (await stack.env.client.workflow.getHandle(caseId).describe()).runId;

    // Acute threat: the safety unit's task opens beside the first conversation, resting on a legal duty.
    const acute = await taskIn(stack, caseId, 'acuteThreatAssessment', 'open');
    expect(acute).toMatchObject({ unit: 'police-safety', legalBasis: 'Police Act 2 §', consent: null });
    await stack.smtp.waitFor((m) => m.to.includes(safetyInbox) && m.subject.includes(caseId) && m.subject.includes(sv.steps.acuteThreatAssessment));

    await complete(stack, (await taskIn(stack, caseId, 'firstConversation', 'open')).taskId, 'held');
    await complete(stack, (await taskIn(stack, caseId, 'initialAssessment', 'open')).taskId, 'motivated');

    // Mapping runs in parallel with the working group and the threat assessment; the latter two wait for consent.
    const mapping = await taskIn(stack, caseId, 'mapping', 'open');
    await taskIn(stack, caseId, 'workingGroup', 'waiting-for-consent');
    await taskIn(stack, caseId, 'threatAssessment', 'waiting-for-consent');
    for (const receivingAgency of ['social-services', 'police', 'housing', 'labour-market']) {
      await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency, purpose: 'exit' });
    }
    await complete(stack, mapping.taskId, 'mapped');
    await complete(stack, (await taskIn(stack, caseId, 'workingGroup', 'open')).taskId, 'engaged');
    await complete(stack, (await taskIn(stack, caseId, 'threatAssessment', 'open')).taskId, 'assessed');

    // The joint plan: tasks for four agencies open at the same time.
    const planSteps = ['jointPlanHousing', 'jointPlanEmployment', 'jointPlanAddiction', 'jointPlanPolice'];
    const plans = await Promise.all(planSteps.map((s) => taskIn(stack, caseId, s, 'open')));
    expect(plans.map((t) => t.unit)).toEqual(['housing-allocation', 'labour-market-support', 'soc-addiction', 'police-exit']);
    for (const t of plans) await complete(stack, t.taskId, 'agreed');
    await complete(stack, acute.taskId, 'contact-made');

    // Monthly follow-up repeats until one closes the case.
    await complete(stack, (await taskIn(stack, caseId, 'followUp', 'open', { taskId: `${caseId}.follow-up-1` })).taskId, 'continue');
    await complete(stack, (await taskIn(stack, caseId, 'followUp', 'open', { taskId: `${caseId}.follow-up-2` })).taskId, 'close-case');
    const result = await stack.env.client.workflow.getHandle(caseId).result();
    expect(result.steps.map((s: { stepKey: string }) => s.stepKey)).toEqual(expect.arrayContaining([...planSteps, 'acuteThreatAssessment', 'followUp']));
    expect((await caseView(stack, caseId)).status).toBe('closed');

    // The seven steps ran in the first run; each follow-up ran in a run of its own (continue-as-new).
    await recordHistory(stack.env.client, caseId, 'v2-exitProgrammeCase-first-run', firstRunId);
    await recordHistory(stack.env.client, caseId, 'v2-exitProgrammeCase-last-run');
  });

  it('when an exit referral is not acute, then no safety-unit task is opened before the threat assessment', async () => {
    const started = await stack.api
      .post('/referrals')
      .send({ referral: { sourceAgency: 'social-services', category: 'network-exit', subject: { ageYears: 30 } } })
      .expect(201);
    expect(started.body.routing).toMatchObject({ ruleId: 'exit', tracks: [] });
    const caseId = started.body.caseId as string;
    await complete(stack, (await taskIn(stack, caseId, 'firstConversation', 'open')).taskId, 'held');
    await taskIn(stack, caseId, 'initialAssessment', 'open');
    expect((await caseView(stack, caseId)).tasks.map((t) => t.stepKey)).toEqual(['firstConversation', 'initialAssessment']);
  });
});
