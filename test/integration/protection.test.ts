import { sv } from '../../domain/catalog';
import { emailHeadline } from '../../activities/email';
import { DateTime } from 'luxon';
import { publishPolicy } from '../../prisma/seed';
import { caseView, complete, giveConsent, taskIn } from '../support/cases';
import { rulesExitPolicy, rulesSigPolicy, rulesYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const span = (amount: number) => ({ kind: 'span' as const, span: secs(amount) });
const childSupervisor = 'arbetsledare.barn-unga@socialtjanst.botkyrka.example';
const coordinatorSupervisor = 'arbetsledare@vpc.botkyrka.example';

interface TaskWithClock {
  taskId: string;
  status: string;
  startedAt: string;
  dueAt: string;
  clock: { countsFrom: string; ref: string | null; since: string } | null;
  openReason: string | null;
}
const task = async (stack: Stack, caseId: string, stepKey: string, status = 'open') => (await taskIn(stack, caseId, stepKey, status)) as unknown as TaskWithClock;

/** `days` calendar days later in Stockholm, keeping the wall-clock time. */
const plusDays = (iso: string, days: number) => DateTime.fromISO(iso, { zone: 'Europe/Stockholm' }).plus({ days }).toUTC().toISO();

describe('casework that protects the child, end to end (API, worker, PostgreSQL, SMTP)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('protection');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  describe('on the seeded policies (youth concern 2026.3-sv, routing 2026.2)', () => {
    it('when the protection assessment is done days after receipt, then the decision is still due 14 days from receipt and the investigation counts from the decision (rule 1)', async () => {
      const receivedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const res = await stack.api
        .post('/referrals')
        .send({ referral: { sourceAgency: 'school', category: 'violence', receivedAt, subject: { ageYears: 16 } } })
        .expect(201);
      expect(res.body).toMatchObject({ caseType: 'youth-concern', policyVersion: '2026.3-sv' });
      const caseId = res.body.caseId as string;
      const assessment = await task(stack, caseId, 'protectionAssessment');
      expect(assessment.clock).toEqual({ countsFrom: 'receipt', ref: null, since: receivedAt });

      await complete(stack, assessment.taskId, 'no-immediate-risk');
      const decision = await task(stack, caseId, 'investigationDecision');
      expect(decision).toMatchObject({ startedAt: receivedAt, dueAt: plusDays(receivedAt, 14), clock: { countsFrom: 'receipt' } });

      await complete(stack, decision.taskId, 'open-investigation');
      const decided = (await caseView(stack, caseId)).tasks.find((t) => t.stepKey === 'investigationDecision') as unknown as { completedAt: string };
      const investigation = await task(stack, caseId, 'investigation');
      expect(investigation).toMatchObject({ startedAt: decided.completedAt, clock: { countsFrom: 'previousStep', ref: 'investigationDecision' } });
    });

    it('when the protection assessment finds immediate protection needed, then an urgent task due within 4 hours opens beside the decision and the supervisor hears at once (rule 2)', async () => {
      const res = await stack.api.post('/referrals').send({ referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 13 } } }).expect(201);
      const caseId = res.body.caseId as string;
      await complete(stack, (await task(stack, caseId, 'protectionAssessment')).taskId, 'immediate-protection-needed');
      const urgent = await task(stack, caseId, 'immediateProtection');
      expect(Date.parse(urgent.dueAt) - Date.parse(urgent.startedAt)).toBe(4 * 3_600_000);
      await task(stack, caseId, 'investigationDecision');
      const mail = await stack.smtp.waitFor((m) => m.to.includes(childSupervisor) && m.subject.includes(caseId) && m.subject.includes(sv.steps.immediateProtection));
      expect(mail[0].subject).toContain(emailHeadline('assigned'));
    });
  });

  describe('on second-scale policies', () => {
    beforeAll(async () => {
      const fastDecision = { deadline: span(3), reminders: [], escalation: [{ after: secs(0), target: 'unitSupervisor' as const }] };
      await publishPolicy(stack.db.prisma, rulesYouthConcernPolicy('e2e-youth', { investigationDecision: fastDecision }));
      const sig = rulesSigPolicy('e2e-sig');
      // Consent waits lapse after a second and come back every second until someone acts.
      for (const key of ['actionPlan', 'policeContribution']) {
        sig.steps[key] = { ...sig.steps[key], consent: { ...sig.steps[key].consent!, waitDeadline: span(1) }, repeatEscalationEvery: secs(1) };
      }
      await publishPolicy(stack.db.prisma, sig);
      await publishPolicy(stack.db.prisma, rulesExitPolicy('e2e-exit'));
    });

    it('when a 15-year-old being recruited is referred and no consent is ever given, then a linked youth concern still assesses protection and decides, on time or escalated (rule 3)', async () => {
      const res = await stack.api.post('/referrals').send({ referral: { sourceAgency: 'school', category: 'recruitment', subject: { ageYears: 15, guardians: 2 } } }).expect(201);
      expect(res.body).toMatchObject({ caseType: 'social-intervention-group', routing: { ruleId: 'youth-15-17-recruitment', tableVersion: '2026.2' } });
      const sigId = res.body.caseId as string;
      expect((await stack.api.get(`/cases/${sigId}`).expect(200)).body.guardians).toBe(2);

      // The API recorded the linked youth concern with the programme (it is the only creator of case rows).
      const related = (await stack.api.get(`/cases/${sigId}`).expect(200)).body.relatedCases as Array<{ caseId: string }>;
      expect(related).toHaveLength(1);
      const companionId = related[0].caseId;
      const companion = (await stack.api.get(`/cases/${companionId}`).expect(200)).body;
      expect(companion).toMatchObject({ caseType: 'youth-concern', policyVersion: 'e2e-youth', linkedCaseId: sigId });

      const assessment = await task(stack, companionId, 'protectionAssessment');
      await complete(stack, assessment.taskId, 'no-immediate-risk');
      // The decision counts from receipt (3 s here) and nobody decides: it escalates to the supervisor.
      const decision = await task(stack, companionId, 'investigationDecision');
      await stack.smtp.waitFor((m) => m.to.includes(childSupervisor) && m.subject.includes(companionId) && m.subject.includes(emailHeadline('escalation', 1)), { timeoutMs: 30_000 });
      const escalated = await task(stack, companionId, 'investigationDecision');
      expect(escalated.taskId).toBe(decision.taskId);

      // The programme itself still waits for consent, and its wait keeps escalating.
      const sig = await caseView(stack, sigId);
      expect(sig.tasks.filter((t) => t.status === 'waiting-for-consent').map((t) => t.stepKey).sort()).toEqual(['actionPlan', 'policeContribution']);
    });

    it('when a consent wait is left alone, then it escalates again each interval; a refusal ends it as not shared, and the case goes on without that agency (rule 4)', async () => {
      const { body } = await stack.api
        .post('/cases')
        .send({ caseType: 'social-intervention-group', referral: { sourceAgency: 'social-services', category: 'recruitment', subject: { ageYears: 20 } } })
        .expect(201);
      const caseId = body.caseId as string;
      const police = await task(stack, caseId, 'policeContribution', 'waiting-for-consent');
      await stack.smtp.waitFor((m) => m.to.includes(coordinatorSupervisor) && m.subject.includes(caseId) && m.subject.includes(sv.steps.policeContribution), { count: 3, timeoutMs: 30_000 });

      // Completing while it waits says so, and what to do.
      const waiting = await stack.api.post(`/tasks/${police.taskId}/complete`).send({ outcome: 'contribution-agreed' }).expect(409);
      expect(waiting.body.error).toMatchObject({ code: 'TASK_NOT_OPEN', reason: 'waiting-for-consent' });

      const refused = await stack.api
        .post(`/cases/${caseId}/consent-refusals`)
        .set('X-Actor-Id', 'coordinator-1')
        .send({ personRole: 'subject', personName: 'Sam Testsson', receivingAgency: 'police', purpose: 'sig' })
        .expect(201);
      expect(refused.body).toMatchObject({ status: 'refused', receivingAgency: 'police', recordedBy: 'coordinator-1' });
      await task(stack, caseId, 'policeContribution', 'not-shared');
      const notShared = await stack.api.post(`/tasks/${police.taskId}/complete`).send({ outcome: 'contribution-agreed' }).expect(409);
      expect(notShared.body.error).toMatchObject({ code: 'TASK_NOT_OPEN', reason: 'not-shared' });

      // Social services may share: the plan opens, and reviews start from it. Consent lasts the policy's 12 months.
      const consentId = await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' });
      const consent = (await stack.api.get(`/cases/${caseId}`).expect(200)).body.consents.find((c: { consentId: string }) => c.consentId === consentId);
      expect(consent.expiresAt).toBe(DateTime.fromISO(consent.givenAt, { zone: 'Europe/Stockholm' }).plus({ months: 12 }).toUTC().toISO());
      const plan = await task(stack, caseId, 'actionPlan');
      expect(plan.clock).toMatchObject({ countsFrom: 'consent' });
      await complete(stack, plan.taskId, 'plan-agreed');
      const again = await stack.api.post(`/tasks/${plan.taskId}/complete`).send({ outcome: 'plan-agreed' }).expect(409);
      expect(again.body.error).toMatchObject({ code: 'TASK_ALREADY_DONE', reason: 'completed', message: expect.stringContaining('by handlaggare-1 at ') });
      await complete(stack, (await task(stack, caseId, 'review')).taskId, 'close-case');
      await eventually('the case closed', async () => (await caseView(stack, caseId)).status === 'closed');
    });

    it('when a consent is withdrawn, then completing the withdrawn task says it was withdrawn, not that it is done (finding 9)', async () => {
      const { body } = await stack.api
        .post('/cases')
        .send({ caseType: 'social-intervention-group', referral: { sourceAgency: 'social-services', category: 'recruitment', subject: { ageYears: 20 } } })
        .expect(201);
      const caseId = body.caseId as string;
      const consentId = await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'police', purpose: 'sig' });
      const police = await task(stack, caseId, 'policeContribution');
      await stack.api.post(`/cases/${caseId}/consents/${consentId}/withdraw`).expect(200);
      await task(stack, caseId, 'policeContribution', 'withdrawn');
      const res = await stack.api.post(`/tasks/${police.taskId}/complete`).send({ outcome: 'contribution-agreed' }).expect(409);
      expect(res.body.error).toMatchObject({ code: 'TASK_NOT_OPEN', reason: 'withdrawn', message: expect.stringContaining('withdrawn at ') });
    });

    it('when an exit case is declined at the first conversation, then it closes with that outcome (rule 4)', async () => {
      const declined = (await stack.api.post('/referrals').send({ referral: { sourceAgency: 'police', category: 'network-exit', subject: { ageYears: 30 } } }).expect(201)).body.caseId as string;
      await complete(stack, (await task(stack, declined, 'firstConversation')).taskId, 'declined');
      await eventually('the declined case closed', async () => {
        const view = (await stack.api.get(`/cases/${declined}`).expect(200)).body;
        return view.status === 'closed' && view;
      }).then((view) => expect(view).toMatchObject({ closeReason: 'declined', tasks: [expect.objectContaining({ stepKey: 'firstConversation' })] }));
    });

    it('when a coordinator raises an acute threat on a running case, then the police safety unit gets a same-day task with the reason; staff without a task in the case may not (rule 8)', async () => {
      const { body } = await stack.api
        .post('/cases')
        .send({ caseType: 'social-intervention-group', referral: { sourceAgency: 'social-services', category: 'threat', subject: { ageYears: 19 } } })
        .expect(201);
      const caseId = body.caseId as string;
      await task(stack, caseId, 'actionPlan', 'waiting-for-consent');
      await stack.as({ sub: 'other-staff', roles: ['staff'], units: ['soc-adults'] }).post(`/cases/${caseId}/acute-threats`).send({ reason: 'threatened at the station' }).expect(404);
      const raised = await stack.as({ sub: 'coordinator-9', roles: ['coordinator'] }).post(`/cases/${caseId}/acute-threats`).send({ reason: 'threatened at the station' }).expect(201);
      const acute = await taskIn(stack, caseId, 'acuteThreatAssessment', 'open', { taskId: raised.body.taskId });
      expect(acute).toMatchObject({ unit: 'police-safety', openReason: 'threatened at the station', openedBy: 'coordinator-9' });
      await stack.smtp.waitFor((m) => m.to.includes('bops@polisen.example') && m.subject.includes(caseId) && m.subject.includes(emailHeadline('assigned')));
      await stack.api.post(`/cases/${caseId}/acute-threats`).send({ reason: 'x' }).expect(400);
    });
  });
});
