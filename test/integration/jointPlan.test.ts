import { emailHeadline } from '../../activities/email';
import { publishPolicy } from '../../prisma/seed';
import { giveConsent, taskIn } from '../support/cases';
import { fastExitPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const coordinator: Identity = { sub: 'plan-coordinator', roles: ['coordinator'] };
const bailiff: Identity = { sub: 'plan-kronofogden', roles: ['staff'], units: ['kronofogden-debt'] };
const exitReferral = { caseType: 'exit-programme', referral: { sourceAgency: 'police', category: 'network-exit', subject: { displayName: 'Leo Planersson', ageYears: 23 } } };

describe('joint plans with any agency', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('joint-plan');
    await publishPolicy(stack.db.prisma, fastExitPolicy('plan-exit-1', { followUpEverySeconds: 3600 }));
  });
  afterAll(async () => {
    await stack.teardown();
  });

  async function exitCase() {
    const { body } = await stack.as(coordinator).post('/cases').send(exitReferral).expect(201);
    await taskIn(stack, body.caseId, 'firstConversation', 'open');
    return body.caseId as string;
  }

  it('when a coordinator adds a task for Kronofogden to an exit case, then it waits for consent to share with Kronofogden, then opens there and ends with the case', async () => {
    const caseId = await exitCase();
    const planned = await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'kronofogden-debt', about: 'Leo owes 40 000 kr; a repayment plan is needed.' }).expect(201);
    expect(planned.body).toMatchObject({ caseId, unit: 'kronofogden-debt', consent: { agency: 'kronofogden', purpose: 'exit' } });
    const taskId = planned.body.taskId as string;

    // Consent-gated like the others: nothing is shared with Kronofogden yet.
    await taskIn(stack, caseId, 'jointPlanTask', 'waiting-for-consent', { taskId });
    await stack.as(bailiff).get(`/cases/${caseId}`).expect(404);

    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'kronofogden', purpose: 'exit' });
    await taskIn(stack, caseId, 'jointPlanTask', 'open', { taskId });
    const [mail] = await stack.smtp.waitFor((m) => m.to.includes('samverkan@kronofogden.example') && m.subject.includes(caseId) && m.subject.includes(emailHeadline('assigned')));
    expect(mail.text).not.toMatch(/Leo|Planersson|40 000/);
    await stack.as(bailiff).get(`/cases/${caseId}`).expect(200);
    // What the task is about is its running note, for the unit to read.
    const notes = await stack.as(bailiff).get(`/tasks/${taskId}/notes`).expect(200);
    expect(notes.body.items).toEqual([expect.objectContaining({ author: coordinator.sub, text: 'Leo owes 40 000 kr; a repayment plan is needed.' })]);

    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'completed' }).expect(200);
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('closed');
    await stack.env.client.workflow.getHandle(caseId).result();
    await recordHistory(stack.env.client, caseId, 'v4-exitProgrammeCase-plan-task-closed');
  });

  it('when the joint-plan task is completed, then the case goes on', async () => {
    const caseId = await exitCase();
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'arbetsformedlingen', purpose: 'exit' });
    const planned = await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'af-botkyrka' }).expect(201);
    await taskIn(stack, caseId, 'jointPlanTask', 'open', { taskId: planned.body.taskId });
    const staff: Identity = { sub: 'plan-af', roles: ['staff'], units: ['af-botkyrka'] };
    await stack.as(staff).post(`/tasks/${planned.body.taskId}/complete`).send({ outcome: 'agreed' }).expect(200);
    expect((await stack.api.get(`/cases/${caseId}`).expect(200)).body.status).toBe('open');
  });

  it('when consent is recorded for an agency the case does not involve yet, then it opens nothing by itself: the agency sees the case once a plan task for its unit opens at once on it, and a refusal for another such agency ends its plan task as not shared', async () => {
    const caseId = await exitCase();
    const view = await stack.as(coordinator).get(`/cases/${caseId}`).expect(200);
    expect(view.body.sourceAgency).toBe('police');
    const involved = (view.body.tasks as Array<{ consent: { agency: string } | null }>).map((t) => t.consent?.agency);
    expect(involved).not.toContain('kronofogden');

    await stack.as(coordinator).post(`/cases/${caseId}/consents`).send({ personRole: 'subject', receivingAgency: 'kronofogden', purpose: 'exit' }).expect(201);
    // Need to know: a consent is not a task; the agency sees nothing of the case until it holds one.
    await stack.as(bailiff).get(`/cases/${caseId}`).expect(404);
    await stack.as(bailiff).get(`/cases/${caseId}/subject`).expect(404);

    const planned = await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'kronofogden-debt' }).expect(201);
    await taskIn(stack, caseId, 'jointPlanTask', 'open', { taskId: planned.body.taskId });
    const seen = await stack.as(bailiff).get(`/cases/${caseId}`).expect(200);
    // Its own task in full, the others as step, status and due date, its own agency's consent only; no referral source.
    expect(seen.body).toMatchObject({ view: 'need-to-know', sourceAgency: null });
    expect((seen.body.tasks as Array<{ taskId: string; detail: string }>).filter((t) => t.detail === 'full').map((t) => t.taskId)).toEqual([planned.body.taskId]);
    expect((seen.body.consents as Array<{ receivingAgency: string }>).map((c) => c.receivingAgency)).toEqual(['kronofogden']);

    // Refused for the health region before any task: its plan task ends as not shared, and the case goes on.
    const nurse: Identity = { sub: 'plan-health', roles: ['staff'], units: ['health-youth-clinic'] };
    await stack.as(coordinator).post(`/cases/${caseId}/consent-refusals`).send({ personRole: 'subject', receivingAgency: 'health-region', purpose: 'exit' }).expect(201);
    const refusedPlan = await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'health-youth-clinic' }).expect(201);
    await taskIn(stack, caseId, 'jointPlanTask', 'not-shared', { taskId: refusedPlan.body.taskId });
    await stack.as(nurse).get(`/cases/${caseId}`).expect(404);
    expect((await stack.api.get(`/cases/${caseId}`).expect(200)).body.status).toBe('open');
  });

  it('when the case is not a programme, the unit is deactivated or the case closed, then no task is added', async () => {
    const youth = await stack.as(coordinator).post('/cases').send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'violence', subject: { ageYears: 15 } } }).expect(201);
    await taskIn(stack, youth.body.caseId, 'protectionAssessment', 'open');
    expect((await stack.as(coordinator).post(`/cases/${youth.body.caseId}/plan-tasks`).send({ unitCode: 'kronofogden-debt' }).expect(422)).body.error.code).toBe('JOINT_PLAN_NOT_ALLOWED');

    const caseId = await exitCase();
    await stack.db.prisma.unit.update({ where: { code: 'business-network' }, data: { active: false } });
    expect((await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'business-network' }).expect(422)).body.error.code).toBe('UNIT_INACTIVE');
    expect((await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'no-such-unit' }).expect(422)).body.error.code).toBe('UNIT_NOT_FOUND');
    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'declined' }).expect(200);
    expect((await stack.as(coordinator).post(`/cases/${caseId}/plan-tasks`).send({ unitCode: 'kronofogden-debt' }).expect(409)).body.error.code).toBe('CASE_NOT_OPEN');
    expect(await stack.db.prisma.task.count({ where: { caseId, stepKey: 'jointPlanTask' } })).toBe(0);
  });
});
