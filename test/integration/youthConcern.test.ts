import { emailHeadline } from '../../activities/email';
import { fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { eventually, startStack, type Stack } from '../support/stack';

const unit = 'soc-children-youth';
const inbox = 'barn-unga@socialtjanst.botkyrka.example';

const referral = (overrides: Record<string, unknown> = {}) => ({
  caseType: 'youth-concern',
  referral: {
    sourceAgency: 'police',
    category: 'drug-possession',
    suspectedOfCrime: true,
    subject: { displayName: 'Kalle Testsson', personalIdentityNumber: '20110312-2386', ageYears: 15 },
    narrative: 'Found with a school locker full of cannabis at Tumba skola.',
    ...overrides,
  },
});

async function openTask(stack: Stack, caseId: string, stepKey: string) {
  return eventually(`open ${stepKey} task of ${caseId}`, async () => {
    const res = await stack.api.get(`/cases/${caseId}`).expect(200);
    return (res.body.tasks as Array<{ stepKey: string; status: string; taskId: string; dueAt: string }>).find(
      (t) => t.stepKey === stepKey && t.status === 'open',
    );
  });
}

describe('youth-concern case through the API', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Deadlines of a minute: long enough that no reminder fires while the walk-through runs.
    const slow = { deadline: { kind: 'span' as const, span: { amount: 60, unit: 'seconds' as const } } };
    stack = await startStack('walk', {
      policy: fastYouthConcernPolicy('test-walk', { protectionAssessment: slow, investigationDecision: slow, investigation: slow }),
    });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a case is started and each task completed, then it walks every step to closed', async () => {
    const started = await stack.api.post('/cases').set('X-Actor-Id', 'coordinator-1').send(referral()).expect(201);
    const { caseId } = started.body as { caseId: string; policyVersion: string };
    expect(started.body.policyVersion).toBe('test-walk');
    expect(caseId).toMatch(/^VPC-\d{4}-[0-9A-Z]{8}$/);

    const steps: Array<[string, string]> = [
      ['protectionAssessment', 'no-immediate-risk'],
      ['investigationDecision', 'open-investigation'],
      ['investigation', 'measures-decided'],
    ];
    for (const [stepKey, outcome] of steps) {
      const task = await openTask(stack, caseId, stepKey);
      const inboxList = await stack.api.get(`/units/${unit}/tasks`).expect(200);
      expect(inboxList.body.items.map((t: { taskId: string }) => t.taskId)).toContain(task.taskId);

      const done = await stack.api
        .post(`/tasks/${task.taskId}/complete`)
        .set('X-Actor-Id', 'handlaggare-7')
        .send({ outcome })
        .expect(200);
      expect(done.body).toMatchObject({ status: 'completed', outcome, completedBy: 'handlaggare-7' });
    }

    const result = await stack.env.client.workflow.getHandle(caseId).result();
    expect(result.steps).toEqual(steps.map(([stepKey, outcome]) => ({ stepKey, outcome })));
    const finalCase = await stack.api.get(`/cases/${caseId}`).expect(200);
    expect(finalCase.body).toMatchObject({ status: 'closed', currentStep: 'closed', policyVersion: 'test-walk' });
    expect(finalCase.body.tasks.map((t: { stepKey: string; status: string }) => [t.stepKey, t.status])).toEqual(
      steps.map(([s]) => [s, 'completed']),
    );

    // Each task told the unit's inbox once that work was waiting.
    const assigned = await stack.smtp.waitFor((m) => m.to.includes(inbox) && m.subject.includes(caseId) && m.subject.includes(emailHeadline('assigned')), {
      count: 3,
    });
    expect(assigned).toHaveLength(3);

    await recordHistory(stack.env.client, caseId, 'v1-youthConcernCase-walk');
    for (const t of finalCase.body.tasks as Array<{ taskId: string; stepKey: string }>) {
      await recordHistory(stack.env.client, t.taskId, `v1-taskWorkflow-walk-${t.stepKey}`);
    }
  });

  it('when a case ends with no investigation, then the investigation step is skipped', async () => {
    const { body } = await stack.api.post('/cases').send(referral()).expect(201);
    for (const [stepKey, outcome] of [
      ['protectionAssessment', 'immediate-protection-needed'],
      ['investigationDecision', 'no-investigation'],
    ]) {
      const task = await openTask(stack, body.caseId, stepKey);
      await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome }).expect(200);
    }
    const result = await stack.env.client.workflow.getHandle(body.caseId).result();
    expect(result.steps.map((s: { stepKey: string }) => s.stepKey)).toEqual(['protectionAssessment', 'investigationDecision']);
  });

  it('when a completed task is completed again, then the API answers 409 and the first outcome stands', async () => {
    const { body } = await stack.api.post('/cases').send(referral()).expect(201);
    const task = await openTask(stack, body.caseId, 'protectionAssessment');
    await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const again = await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'immediate-protection-needed' }).expect(409);
    expect(again.body.error.code).toBe('TASK_ALREADY_DONE');
    const kase = await stack.api.get(`/cases/${body.caseId}`).expect(200);
    expect(kase.body.tasks[0]).toMatchObject({ status: 'completed', outcome: 'no-immediate-risk' });
  });

  it('when two completions race, then exactly one wins and the other gets 409', async () => {
    const { body } = await stack.api.post('/cases').send(referral()).expect(201);
    const task = await openTask(stack, body.caseId, 'protectionAssessment');
    const results = await Promise.all([
      stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'no-immediate-risk' }),
      stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'immediate-protection-needed' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('when the outcome is not one the step allows, then 422 names the allowed outcomes and the task stays open', async () => {
    const { body } = await stack.api.post('/cases').send(referral()).expect(201);
    const task = await openTask(stack, body.caseId, 'protectionAssessment');
    const res = await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'made-up' }).expect(422);
    expect(res.body.error).toMatchObject({ code: 'INVALID_OUTCOME' });
    expect(res.body.error.message).toContain('no-immediate-risk');
    const kase = await stack.api.get(`/cases/${body.caseId}`).expect(200);
    expect(kase.body.tasks[0].status).toBe('open');
  });

  it('when input is malformed, then the API answers 400 naming the field, and unknown ids get 404', async () => {
    const bad = await stack.api.post('/cases').send({ caseType: 'youth-concern', referral: { sourceAgency: 'police' } }).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['referral.category', 'referral.subject']),
    );
    const unknownField = await stack.api.post('/cases').send({ ...referral(), extra: 1 }).expect(400);
    expect(unknownField.body.error.fields).toEqual([{ field: 'extra', problem: 'is not a known field' }]);
    await stack.api.post('/tasks/VPC-2026-NOPE0000.protection-assessment/complete').send({ outcome: 'no-immediate-risk' }).expect(404);
    await stack.api.get('/cases/VPC-2026-NOPE0000').expect(404);
    const notJson = await stack.api.post('/cases').set('Content-Type', 'application/json').send('{"caseType":').expect(400);
    expect(notJson.body.error.message).toContain('JSON');
    const cases = await stack.db.prisma.case.count({ where: { status: 'starting' } });
    expect(cases).toBe(0);
  });

  it('when the health and readiness endpoints are called, then both report the real services up', async () => {
    await stack.api.get('/health').expect(200);
    const ready = await stack.api.get('/ready').expect(200);
    expect(ready.body).toEqual({ ready: true, checks: { database: { ok: true }, temporal: { ok: true } } });
  });
});
