import { createRetentionActivities } from '../../activities/retention';
import { systemClock, type ActivityDeps } from '../../activities/deps';
import { publishPolicy } from '../../prisma/seed';
import { sharingSigPolicy } from '../support/policies';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { authedAgent, contractRequest, eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

/**
 * Issue 13's eight defects, one test each, on the real stack: each failed on the code before the
 * one consent rule and the need-to-know views, and passes now.
 */

const who = {
  // Named in their tokens, so the staff directory names them beside their ids (where the reader may see the id).
  coordinator: { sub: 'ls-coordinator', name: 'Cecilia Samordnare', roles: ['coordinator'] },
  policeLocal: { sub: 'ls-staff-local', name: 'Pia Polis', roles: ['staff'], units: ['police-local'] },
  policeLocalSupervisor: { sub: 'ls-sup-local', name: 'Per Polischef', roles: ['supervisor'], supervisedUnits: ['police-local'] },
  policeSafety: { sub: 'ls-staff-safety', roles: ['staff'], units: ['police-safety'] },
  policeExit: { sub: 'ls-staff-exit', roles: ['staff'], units: ['police-exit'] },
  socAdults: { sub: 'ls-staff-adults', roles: ['staff'], units: ['soc-adults'] },
  socChildren: { sub: 'ls-staff-children', roles: ['staff'], units: ['soc-children-youth'] },
  coordinatorsSupervisor: { sub: 'ls-sup-vpc', roles: ['supervisor'], supervisedUnits: ['vpc-coordination'] },
  operator: { sub: 'ls-operator', roles: ['operator'] },
} satisfies Record<string, Identity>;

describe('lawful sharing: the defects of issue 13', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('lawful-sharing');
    await publishPolicy(stack.db.prisma, sharingSigPolicy('lawful-1'));
  });
  afterAll(async () => {
    await stack.teardown();
  });

  const sigCase = async (ageYears: number, extra: Record<string, unknown> = {}) =>
    (
      await stack.api
        .post('/cases')
        .send({ caseType: 'social-intervention-group', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears, guardians: 1, ...extra } } })
        .expect(201)
    ).body.caseId as string;
  const consent = async (caseId: string, body: Record<string, unknown>) =>
    (await stack.api.post(`/cases/${caseId}/consents`).send({ receivingAgency: 'police', purpose: 'sig', ...body }).expect(201)).body.consentId as string;
  const taskOf = (caseId: string, stepKey: string, status: string) =>
    eventually(`${stepKey} ${status} on ${caseId}`, () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey, status } }), 60_000);

  it('defect 1: when a minor\'s guardian withdraws after the police completed their task, then the police lose the case at once, though a consent for another purpose stands', async () => {
    const caseId = await sigCase(16);
    await consent(caseId, { personRole: 'subject' });
    const guardian = await consent(caseId, { personRole: 'guardian', personName: 'Vårdnadshavare Ett' });
    // Consent for the exit programme is not consent for SIG.
    await consent(caseId, { personRole: 'subject', purpose: 'exit' });
    await consent(caseId, { personRole: 'guardian', purpose: 'exit' });
    const task = await taskOf(caseId, 'policeContribution', 'open');
    await stack.as(who.policeLocal).post(`/tasks/${task.id}/complete`).send({ outcome: 'contribution-agreed' }).expect(200);
    await stack.as(who.policeLocal).get(`/cases/${caseId}`).expect(200);

    await stack.api.post(`/cases/${caseId}/consents/${guardian}/withdraw`).expect(200);
    // No wait for the workflow: the API reads the consent rows under the one rule.
    await stack.as(who.policeLocal).get(`/cases/${caseId}`).expect(404);
    const listed = await stack.as(who.policeLocal).get('/tasks?status=all&limit=200').expect(200);
    expect(listed.body.items.map((t: { taskId: string }) => t.taskId)).not.toContain(task.id);
  });

  it('defect 2: when the police hold a legal-basis task on one case of a person, then relatedCases does not reveal that person\'s social-services-only case', async () => {
    const personalIdentityNumber = '20090505-4573';
    const first = await sigCase(17, { personalIdentityNumber });
    await stack.api.post(`/cases/${first}/acute-threats`).send({ reason: 'hot utanför skolan' }).expect(201);
    await taskOf(first, 'acuteThreatAssessment', 'open');
    const second = (
      await stack.api
        .post('/cases')
        .send({ caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'violence', subject: { ageYears: 17, personalIdentityNumber } } })
        .expect(201)
    ).body as { caseId: string; linkedCaseId: string | null };
    expect(second.linkedCaseId).toBe(first);
    await taskOf(second.caseId, 'protectionAssessment', 'open');

    // A minor's programme has its youth concern beside it: a social-services-only case of the person too.
    const beside = ((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: first } })).startArgs as { companionIds: Record<string, string> }).companionIds['youth-concern']!;
    const coordinator = await stack.as(who.coordinator).get(`/cases/${first}`).expect(200);
    expect(coordinator.body.relatedCases.map((c: { caseId: string }) => c.caseId).sort()).toEqual([beside, second.caseId].sort());
    const police = await stack.as(who.policeSafety).get(`/cases/${first}`).expect(200);
    expect(police.body.relatedCases).toEqual([]);
    await stack.as(who.policeSafety).get(`/cases/${second.caseId}`).expect(404);
    await stack.as(who.policeSafety).get(`/cases/${beside}`).expect(404);
    // And the other way: social services see their cases (the youth concern beside the programme is
    // theirs too), not the link to the programme they have no task in.
    await taskOf(beside, 'protectionAssessment', 'open');
    const social = await stack.as(who.socChildren).get(`/cases/${second.caseId}`).expect(200);
    expect(social.body).toMatchObject({ relatedCases: [{ caseId: beside }], linkedCaseId: null });
  });

  it("defect 3: when another agency's unit reads a case, then the police task shows only step, status and due date, another police unit sees nothing, and the legal basis opens only its own task", async () => {
    const caseId = await sigCase(30);
    await consent(caseId, { personRole: 'subject' });
    await consent(caseId, { personRole: 'subject', receivingAgency: 'social-services' });
    const task = await taskOf(caseId, 'policeContribution', 'open');
    await taskOf(caseId, 'actionPlan', 'open');
    const justification = 'Inväntar polisens förundersökning';
    await stack
      .as(who.policeLocalSupervisor)
      .post(`/tasks/${task.id}/extend`)
      .send({ newDueAt: new Date(Date.now() + 86_400_000).toISOString(), justification })
      .expect(200);
    const note = 'Samtal med ungdomen genomfört';
    await stack.as(who.policeLocal).post(`/tasks/${task.id}/complete`).send({ outcome: 'contribution-agreed', note }).expect(200);
    await stack.as(who.coordinator).post(`/cases/${caseId}/acute-threats`).send({ reason: 'hot via sociala medier' }).expect(201);
    await taskOf(caseId, 'acuteThreatAssessment', 'open');

    const social = (await stack.as(who.socAdults).get(`/cases/${caseId}`).expect(200)).body;
    const police = social.tasks.find((t: { stepKey: string }) => t.stepKey === 'policeContribution');
    expect(police).toEqual({ detail: 'summary', taskId: task.id, stepKey: 'policeContribution', status: 'completed', dueAt: expect.any(String) });
    const text = JSON.stringify(social);
    const secrets = [justification, note, who.policeLocal.sub, who.policeLocalSupervisor.sub, who.policeLocal.name, who.policeLocalSupervisor.name, 'contribution-agreed', 'hot via sociala medier'];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(social.consents.map((c: { receivingAgency: string }) => c.receivingAgency)).toEqual(['social-services']);

    await stack.as(who.policeExit).get(`/cases/${caseId}`).expect(404);
    const safety = (await stack.as(who.policeSafety).get(`/cases/${caseId}`).expect(200)).body;
    expect(safety.tasks.map((t: { stepKey: string; detail: string }) => `${t.stepKey}:${t.detail}`)).toEqual(['acuteThreatAssessment:full']);
    // The task the legal basis opens names who opened it; the police's own task stays out of its answer, names and all.
    expect(safety.tasks[0]).toMatchObject({ openedBy: who.coordinator.sub, openedByName: 'Cecilia Samordnare' });
    expect(JSON.stringify(safety)).not.toMatch(/Pia Polis|Per Polischef/);
    // The unit holding the task sees it in full, with what it wrote and who did it, by name.
    const own = (await stack.as(who.policeLocal).get(`/cases/${caseId}`).expect(200)).body;
    expect(own.tasks.find((t: { taskId: string }) => t.taskId === task.id)).toMatchObject({
      detail: 'full',
      outcome: 'contribution-agreed',
      completedBy: who.policeLocal.sub,
      completedByName: 'Pia Polis',
      openedByName: null,
      extensions: [expect.objectContaining({ justification, extendedBy: who.policeLocalSupervisor.sub, extendedByName: 'Per Polischef' })],
    });
  });

  it('defect 4: when a task waits for consent, then its unit finds it in no list, inbox, report or email list', async () => {
    const from = new Date().toISOString();
    const caseId = await sigCase(30);
    const task = await taskOf(caseId, 'policeContribution', 'waiting-for-consent');
    await eventually('the waiting email', () => stack.db.prisma.notification.findFirst({ where: { taskId: task.id, kind: 'waiting-for-consent' } }));
    const ids = (res: { body: { items: Array<{ taskId: string }> } }) => res.body.items.map((t) => t.taskId);

    expect(ids(await stack.as(who.policeLocal).get('/tasks?status=all&limit=200').expect(200))).not.toContain(task.id);
    expect(ids(await stack.as(who.policeLocal).get('/units/police-local/tasks?status=all&limit=200').expect(200))).not.toContain(task.id);
    expect(ids(await stack.as(who.policeLocalSupervisor).get('/notifications?status=all&limit=200').expect(200))).not.toContain(task.id);
    const report = (await stack.as(who.policeLocalSupervisor).get(`/reports/tasks?from=${encodeURIComponent(from)}`).expect(200)).body;
    expect(report.items.filter((r: { unit: string; step: string }) => r.unit === 'police-local' && r.step === 'policeContribution')).toEqual([]);
    expect(report.overdueTasks.map((t: { taskId: string }) => t.taskId)).not.toContain(task.id);
    // Nor can it act on it: for the unit the task is not there yet.
    await stack.as(who.policeLocal).post(`/tasks/${task.id}/complete`).send({ outcome: 'contribution-agreed' }).expect(404);
    // The coordinators see it, and the email about it is theirs.
    expect(ids(await stack.as(who.coordinator).get('/tasks?status=all&limit=200').expect(200))).toContain(task.id);
    expect(ids(await stack.as(who.coordinatorsSupervisor).get('/notifications?status=all&limit=200').expect(200))).toContain(task.id);
  });

  it("defect 5: when a consent wait lapses, then its escalation is the coordinators' supervisor's to see and acknowledge, not the waiting unit's", async () => {
    await publishPolicy(stack.db.prisma, sharingSigPolicy('lawful-2', { consentWaitSeconds: 1 }));
    const caseId = await sigCase(30);
    await publishPolicy(stack.db.prisma, sharingSigPolicy('lawful-3'));
    const task = await taskOf(caseId, 'policeContribution', 'waiting-for-consent');
    const escalation = await eventually('the consent-wait escalation', () => stack.db.prisma.escalation.findFirst({ where: { taskId: task.id }, include: { unit: true } }), 60_000);
    expect(escalation.unit.code).toBe('vpc-coordination');
    const ids = (res: { body: { items: Array<{ escalationId: string }> } }) => res.body.items.map((e) => e.escalationId);

    expect(ids(await stack.as(who.policeLocalSupervisor).get('/escalations?status=all&limit=200').expect(200))).not.toContain(escalation.id);
    await stack.as(who.policeLocalSupervisor).post(`/escalations/${escalation.id}/acknowledge`).send({ note: 'sett' }).expect(404);
    expect(ids(await stack.as(who.coordinatorsSupervisor).get('/escalations?status=all&limit=200').expect(200))).toContain(escalation.id);
    await stack.as(who.coordinatorsSupervisor).post(`/escalations/${escalation.id}/acknowledge`).send({ note: 'ringer familjen' }).expect(200);
  });

  it('defect 6: when consent is withdrawn on a closed case, then the withdrawal is recorded and the agency loses its remaining read access', async () => {
    const caseId = await sigCase(30);
    const police = await consent(caseId, { personRole: 'subject', personName: 'Testperson Samtycke' });
    await taskOf(caseId, 'policeContribution', 'open');
    // Social services' consent refused: the programme closes without them, and the police task with it.
    await stack.api.post(`/cases/${caseId}/consent-refusals`).send({ personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' }).expect(201);
    await eventually('the case to close', () => stack.db.prisma.case.findFirst({ where: { id: caseId, status: 'closed' } }), 60_000);
    await stack.as(who.policeLocal).get(`/cases/${caseId}`).expect(200);

    const withdrawn = await stack.api.post(`/cases/${caseId}/consents/${police}/withdraw`).expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    await stack.as(who.policeLocal).get(`/cases/${caseId}`).expect(404);
    await stack.api.post(`/cases/${caseId}/consents/${police}/withdraw`).expect(409);
  });

  it('defect 7: when retention pseudonymises a closed case, then the names of those who consented and the free text go too', async () => {
    const prisma = stack.db.prisma;
    const caseId = 'VPC-2020-RETAIN01';
    const unit = await prisma.unit.findUniqueOrThrow({ where: { code: 'police-local' } });
    const closedAt = new Date(Date.now() - 86_400_000);
    await prisma.case.create({ data: { id: caseId, workflowId: caseId, caseType: 'social-intervention-group', policyVersion: 'lawful-1', status: 'closed', closedAt } });
    await prisma.consent.create({
      data: { caseId, personRole: 'guardian', personName: 'enc:Vårdnadshavare', receivingAgency: 'police', purpose: 'sig', givenAt: closedAt, recordedBy: 'ls-coordinator' },
    });
    const taskId = `${caseId}.police-contribution`;
    await prisma.task.create({
      data: { id: taskId, caseId, stepKey: 'policeContribution', unitId: unit.id, status: 'completed', startedAt: closedAt, dueAt: closedAt, originalDueAt: closedAt, note: 'Pojken bor hos sin moster', openReason: 'hot mot modern' },
    });
    await prisma.deadlineExtension.create({ data: { taskId, sequence: 1, previousDueAt: closedAt, newDueAt: closedAt, justification: 'Modern är sjukskriven', extendedBy: 'ls-sup-local' } });

    const deps = { prisma, clock: systemClock } as unknown as ActivityDeps;
    const { pseudonymised } = await createRetentionActivities(deps).pseudonymiseExpiredCases({ retainAfter: 'PT1S', performedBy: 'test', batchSize: 1000 });
    expect(pseudonymised).toContain(caseId);
    expect(await prisma.consent.findFirstOrThrow({ where: { caseId } })).toMatchObject({ personName: null, personRole: 'guardian', receivingAgency: 'police' });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ note: null, openReason: null, status: 'completed' });
    expect(await prisma.deadlineExtension.findFirstOrThrow({ where: { taskId } })).toMatchObject({ justification: '', extendedBy: 'ls-sup-local' });
  });

  describe('defect 8: the codec endpoint', () => {
    const clearPayloads = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"granted":true}').toString('base64') }] };

    it('when a large body comes without an operator token, then it is refused 401 before the body is read; an operator gets 413 for it', async () => {
      // Larger than any limit the endpoint ever had (8 MB): read first, it would be 413, not 401.
      const big = { payloads: [{ data: 'A'.repeat(9_000_000) }] };
      const res = await contractRequest(stack.app).post('/codec/decode').send(big);
      expect(res.status).toBe(401);
      await contractRequest(stack.app).post('/codec/decode').set('Authorization', 'Bearer a-static-operator-token-0123456789').send(clearPayloads).expect(401);
      await stack.as(who.coordinator).post('/codec/decode').send(clearPayloads).expect(403);
      await stack.as(who.operator).post('/codec/decode').send(big).expect(413);
    });

    it('when an operator decodes, then an audit row names them; past the limit per minute they get 429', async () => {
      const operator = { sub: `ls-operator-${Date.now()}`, roles: ['operator' as const] };
      await stack.as(operator).post('/codec/decode').set('X-Namespace', 'default').send(clearPayloads).expect(200);
      const row = await stack.db.prisma.auditEvent.findFirst({ where: { actor: operator.sub, action: 'codec.decode' } });
      expect(row).toMatchObject({ status: 200, detail: { payloads: 1, namespace: 'default' } });

      const limited = authedAgent(stack.appWith({ codec: { codec: new AesGcmPayloadCodec(stack.payloadKeys), corsOrigins: [], perMinute: 2 } }), stack.issuer, operator);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.post('/codec/decode').send(clearPayloads)).status);
      expect(statuses).toEqual([200, 200, 429]);
    });

    it('when someone who can reach Temporal signals a waiting task in clear, then the worker refuses the payload and the task stays waiting', async () => {
      const caseId = await sigCase(30);
      const task = await taskOf(caseId, 'policeContribution', 'waiting-for-consent');
      const handle = stack.rawClient.workflow.getHandle(task.id);
      await handle.signal('taskConsent', { granted: true });
      await eventually('the workflow task to fail on the clear payload', async () =>
        ((await handle.fetchHistory()).events ?? []).some((e) => e.workflowTaskFailedEventAttributes), 60_000);
      expect(await stack.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'waiting-for-consent' });
      // What an operator does with such a case: end the poisoned task (the case is ended with it here).
      await handle.terminate('clear payload refused (test)');
      await stack.rawClient.workflow.getHandle(caseId).terminate('test done');
    });
  });
});
