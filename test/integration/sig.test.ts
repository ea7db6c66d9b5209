import { emailHeadline } from '../../activities/email';
import { sv } from '../../domain/catalog';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { decodedHistoryText } from '../support/historyText';
import { caseView, complete, giveConsent, taskIn } from '../support/cases';
import { fastSigPolicy } from '../support/policies';
import { testFieldCrypto } from '../support/keys';
import { recordHistory } from '../support/recordHistory';
import { startStack, type Stack } from '../support/stack';

const coordinatorSupervisor = 'arbetsledare@vpc.botkyrka.example';
const coordinatorInbox = 'samordnare@vpc.botkyrka.example';
const policeInbox = 'lpo-botkyrka@polisen.example';

const referral = (ageYears: number) => ({
  caseType: 'social-intervention-group',
  referral: {
    sourceAgency: 'social-services',
    category: 'recruitment',
    subject: { displayName: 'Sam Testsson', personalIdentityNumber: '20100101-1236', ageYears },
  },
});

describe('social intervention group (SIG)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('sig', { policy: fastSigPolicy('test-sig', { consentWaitSeconds: 2, reviewEverySeconds: 1, cyclesPerRun: 1 }) });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a minor\'s case starts, then tasks wait for consent (with their own deadline) until subject and guardian consent, and a withdrawal mid-case withdraws only that agency\'s task', async () => {
    const { body } = await stack.api.post('/cases').send(referral(16)).expect(201);
    const caseId = body.caseId as string;

    // Consent first: both tasks exist but wait, and the coordinators are told.
    const waiting = await taskIn(stack, caseId, 'actionPlan', 'waiting-for-consent');
    const policeWaiting = await taskIn(stack, caseId, 'policeContribution', 'waiting-for-consent');
    // Access follows consent: a waiting task has shared nothing with the police yet (404, not 403).
    const policeStaff = () => stack.as({ sub: 'police-staff', roles: ['staff'], units: [policeWaiting.unit] });
    await policeStaff().get(`/cases/${caseId}`).expect(404);
    expect(waiting.consent).toEqual({ agency: 'social-services', purpose: 'sig' });
    await stack.smtp.waitFor((m) => m.to.includes(coordinatorInbox) && m.subject.includes(caseId) && m.subject.includes(emailHeadline('waiting-for-consent')), { count: 2 });
    // The wait has its own deadline (2 s here): on lapse the coordinators' supervisor hears of it.
    await stack.smtp.waitFor((m) => m.to.includes(coordinatorSupervisor) && m.subject.includes(caseId) && m.subject.includes(sv.steps.actionPlan));

    // The subject alone is not enough for a minor; a guardian must consent too.
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' });
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'police', purpose: 'sig' });
    const stillWaiting = await caseView(stack, caseId);
    expect(stillWaiting.tasks.filter((t) => t.status === 'waiting-for-consent').map((t) => t.stepKey).sort()).toEqual(['actionPlan', 'policeContribution']);
    await giveConsent(stack, caseId, { personRole: 'guardian', personName: 'Guardian Testsson', receivingAgency: 'social-services', purpose: 'sig' });
    const guardianPolice = await giveConsent(stack, caseId, { personRole: 'guardian', personName: 'Guardian Testsson', receivingAgency: 'police', purpose: 'sig' });

    const plan = await taskIn(stack, caseId, 'actionPlan', 'open');
    const police = await taskIn(stack, caseId, 'policeContribution', 'open');
    await policeStaff().get(`/cases/${caseId}`).expect(200);
    // The plan's 60 s deadline counts from consent, and the lapsed wait's escalation is resolved.
    expect(Date.parse(plan.dueAt) - Date.parse(plan.startedAt)).toBe(60_000);
    expect(plan.escalations.map((e) => e.status)).toEqual(['resolved']);

    // Withdrawal in the middle of the case: police sharing stops at once, social services carry on.
    const withdrawn = await stack.api.post(`/cases/${caseId}/consents/${guardianPolice}/withdraw`).set('X-Actor-Id', 'coordinator-1').expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawnBy: 'coordinator-1' });
    await taskIn(stack, caseId, 'policeContribution', 'withdrawn');
    await policeStaff().get(`/cases/${caseId}`).expect(404);
    const told = await stack.smtp.waitFor((m) => m.to.includes(policeInbox) && m.subject.includes(caseId) && m.subject.includes(emailHeadline('withdrawn')));
    expect(told[0].text).not.toContain('Sam Testsson');
    const policeAfter = await taskIn(stack, caseId, 'policeContribution', 'withdrawn');
    expect(policeAfter.withdrawnAt).not.toBeNull();
    // History is kept: the withdrawn task still lists every email it caused, and the consent row stays.
    expect(policeAfter.notifications.map((n) => n.kind)).toEqual(['waiting-for-consent', 'escalation', 'assigned', 'withdrawn']);
    const view = await caseView(stack, caseId);
    expect(view.consents.map((c) => c.status)).toEqual(['given', 'given', 'given', 'withdrawn']);
    expect(view.tasks.find((t) => t.stepKey === 'actionPlan')?.status).toBe('open');
    await stack.api.post(`/tasks/${police.taskId}/complete`).send({ outcome: 'contribution-agreed' }).expect(409);
    await stack.api.post(`/cases/${caseId}/consents/${guardianPolice}/withdraw`).expect(409);

    await complete(stack, plan.taskId, 'plan-agreed');
    const review = await taskIn(stack, caseId, 'review', 'open');
    await complete(stack, review.taskId, 'close-case');
    const result = await stack.env.client.workflow.getHandle(caseId).result();
    expect(result.steps.map((s: { stepKey: string; outcome: string }) => `${s.stepKey}:${s.outcome}`).sort()).toEqual(
      ['actionPlan:plan-agreed', 'policeContribution:withdrawn', 'review:close-case'],
    );
    expect((await caseView(stack, caseId)).status).toBe('closed');
    // Consent reaches the workflow as a role, never a name; the guardian's name stays in PostgreSQL.
    const text = await decodedHistoryText(await stack.env.client.workflow.getHandle(caseId).fetchHistory());
    expect(text).toContain('guardian');
    for (const personal of ['Guardian Testsson', 'Sam Testsson', '20100101-1236']) expect(text).not.toContain(personal);
    // Stored encrypted, bound to its row: decryptable by the application, never in clear.
    const consents = await stack.db.prisma.consent.findMany({ where: { caseId, personRole: 'guardian' } });
    expect(consents.map((c) => c.personName)).not.toContain('Guardian Testsson');
    expect(consents.map((c) => testFieldCrypto().decrypt(c.personName!, `consent.person_name:${c.id}`))).toEqual(['Guardian Testsson', 'Guardian Testsson']);

    await recordHistory(stack.env.client, caseId, 'v2-socialInterventionGroupCase-consent-withdrawn');
    await recordHistory(stack.env.client, police.taskId, 'v2-taskWorkflow-consent-withdrawn');
    await recordHistory(stack.env.client, plan.taskId, 'v2-taskWorkflow-consent-waited');
  });

  it('when a SIG case runs 12 months of quarterly reviews, then it continues as new after each review and every run\'s history stays bounded', async () => {
    const { body } = await stack.api.post('/cases').send(referral(20)).expect(201);
    const caseId = body.caseId as string;
    const firstRunId = (await stack.env.client.workflow.getHandle(caseId).describe()).runId;
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' });
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'police', purpose: 'sig' });
    await complete(stack, (await taskIn(stack, caseId, 'actionPlan', 'open')).taskId, 'plan-agreed');
    await complete(stack, (await taskIn(stack, caseId, 'policeContribution', 'open')).taskId, 'contribution-agreed');

    // A review "every 3 months" (1 s here): four of them make a year; the fourth closes the case.
    const reviews = 4;
    for (let n = 1; n <= reviews; n++) {
      const review = await taskIn(stack, caseId, 'review', 'open', { taskId: `${caseId}.review-${n}` });
      await complete(stack, review.taskId, n === reviews ? 'close-case' : 'continue');
    }
    const result = await stack.env.client.workflow.getHandle(caseId).result();
    expect(result.steps.filter((s: { stepKey: string }) => s.stepKey === 'review')).toHaveLength(reviews);

    // Walk the chain of runs and measure each history.
    const sizes: Array<{ run: number; events: number; bytes: number }> = [];
    let runId: string | undefined = firstRunId;
    while (runId) {
      const handle: WorkflowHandle = stack.env.client.workflow.getHandle(caseId, runId);
      const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await handle.fetchHistory();
      const events = history.events ?? [];
      sizes.push({ run: sizes.length + 1, events: events.length, bytes: historyToJSON(history).length });
      if (sizes.length <= 2) await recordHistory(stack.env.client, caseId, `v2-socialInterventionGroupCase-run${sizes.length}`, runId);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    console.log(`SIG case over ${reviews} quarterly reviews: history per run ${JSON.stringify(sizes)}`);
    expect(sizes).toHaveLength(reviews);
    // Each run holds at most one review cycle; without continue-as-new one history would hold them all.
    // Runs after the first are one review each: the same size give or take the closing steps.
    for (const s of sizes.slice(1)) expect(s.events).toBeLessThanOrEqual(sizes[1].events + 10);
    for (const s of sizes) expect(s.events).toBeLessThan(150);
    const total = sizes.reduce((sum, s) => sum + s.events, 0);
    expect(Math.max(...sizes.map((s) => s.events))).toBeLessThan(total / 2);
    const kase = await caseView(stack, caseId);
    expect(kase.status).toBe('closed');
    expect(kase.policyVersion).toBe('test-sig');
  });

  it('when a consent expires, then the task it covered is withdrawn at expiry and its unit is told', async () => {
    const { body } = await stack.api.post('/cases').send(referral(20)).expect(201);
    const caseId = body.caseId as string;
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' });
    const expiresAt = new Date(Date.now() + 4_000).toISOString();
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'police', purpose: 'sig', expiresAt });
    const police = await taskIn(stack, caseId, 'policeContribution', 'open');
    const withdrawn = await taskIn(stack, caseId, 'policeContribution', 'withdrawn', { timeoutMs: 30_000 });
    expect(Date.parse(withdrawn.withdrawnAt!)).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    await stack.smtp.waitFor((m) => m.to.includes(policeInbox) && m.subject.includes(caseId) && m.subject.includes(emailHeadline('withdrawn')));
    const view = await caseView(stack, caseId);
    expect(view.consents.map((c) => c.status)).toEqual(['given', 'expired']);
    expect(view.tasks.find((t) => t.stepKey === 'actionPlan')?.status).toBe('open');
    expect(police.taskId).toBe(withdrawn.taskId);
  });

  it('when consent is given with an unknown role or a past expiry, then 400 names the field and nothing is recorded', async () => {
    const { body } = await stack.api.post('/cases').send(referral(20)).expect(201);
    const bad = await stack.api.post(`/cases/${body.caseId}/consents`).send({ personRole: 'neighbour', receivingAgency: 'police', purpose: 'sig' }).expect(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['personRole']);
    await stack.api
      .post(`/cases/${body.caseId}/consents`)
      .send({ personRole: 'subject', receivingAgency: 'police', purpose: 'sig', expiresAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    await stack.api.post('/cases/VPC-2026-NOPE0000/consents').send({ personRole: 'subject', receivingAgency: 'police', purpose: 'sig' }).expect(404);
    expect(await stack.db.prisma.consent.count({ where: { caseId: body.caseId } })).toBe(0);
  });

  it('when consent is given or refused for an agency the registry does not have, then 422 AGENCY_NOT_FOUND names the agency and the field, and nothing is recorded', async () => {
    const { body } = await stack.api.post('/cases').send(referral(20)).expect(201);
    for (const [path, answer] of [
      ['consents', { personRole: 'subject', receivingAgency: 'no-such-agency', purpose: 'sig' }],
      ['consent-refusals', { personRole: 'guardian', receivingAgency: 'no-such-agency', purpose: 'sig' }],
    ] as const) {
      const refused = await stack.api.post(`/cases/${body.caseId}/${path}`).send(answer).expect(422);
      expect(refused.body.error).toEqual({
        code: 'AGENCY_NOT_FOUND',
        message: 'no such agency in the registry: no-such-agency',
        fields: [{ field: 'receivingAgency', problem: 'is not an agency in the registry' }],
      });
    }
    expect(await stack.db.prisma.consent.count({ where: { caseId: body.caseId } })).toBe(0);
    // An agency of the registry the case has no task for is a consent like any other.
    await stack.api.post(`/cases/${body.caseId}/consents`).send({ personRole: 'subject', receivingAgency: 'health-region', purpose: 'sig' }).expect(201);
    const view = await stack.api.get(`/cases/${body.caseId}`).expect(200);
    expect(view.body.consents.map((c: { receivingAgency: string; status: string }) => [c.receivingAgency, c.status])).toEqual([['health-region', 'given']]);
  });

  it('when a case is read, then each consent names who recorded it as the staff directory knows them, and null for someone it has no name for', async () => {
    const named = { sub: 'sig-coordinator-named', name: 'Nora Samtyckare', roles: ['coordinator' as const] };
    const nameless = { sub: 'sig-coordinator-nameless', roles: ['coordinator' as const] };
    const { body } = await stack.as(named).post('/cases').send(referral(20)).expect(201);
    await stack.as(named).post(`/cases/${body.caseId}/consents`).send({ personRole: 'subject', receivingAgency: 'police', purpose: 'sig' }).expect(201);
    await stack.as(nameless).post(`/cases/${body.caseId}/consent-refusals`).send({ personRole: 'subject', receivingAgency: 'school', purpose: 'sig' }).expect(201);

    const view = await stack.as(nameless).get(`/cases/${body.caseId}`).expect(200);
    expect(view.body.consents.map((c: { receivingAgency: string; status: string; recordedBy: string; recordedByName: string | null }) => [c.receivingAgency, c.status, c.recordedBy, c.recordedByName])).toEqual([
      ['police', 'given', named.sub, 'Nora Samtyckare'],
      ['school', 'refused', nameless.sub, null],
    ]);
  });
});
