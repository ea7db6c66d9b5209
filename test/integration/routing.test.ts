import { routingTables } from '../../prisma/seed';
import { caseView, complete, taskIn } from '../support/cases';
import { fastYouthConcernTracksPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const youth = (ageYears: number, extra: Record<string, unknown> = {}) => ({
  referral: { sourceAgency: 'police', category: 'drug-possession', suspectedOfCrime: true, subject: { ageYears }, ...extra },
});

describe('referral routing and the completed youth concern', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('routing');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a referral matches no rule, then a coordinator triage task is opened: nothing is dropped', async () => {
    const res = await stack.api.post('/referrals').send({ referral: { sourceAgency: 'school', category: 'other', subject: { ageYears: 40 } } }).expect(201);
    expect(res.body).toMatchObject({ caseType: 'triage', routing: { ruleId: 'no-match', tableVersion: '2026.2' } });
    const triage = await taskIn(stack, res.body.caseId, 'triage', 'open');
    expect(triage.unit).toBe('vpc-coordination');
    await stack.smtp.waitFor((m) => m.to.includes('samordnare@vpc.botkyrka.example') && m.subject.includes(res.body.caseId));
    await complete(stack, triage.taskId, 'routed-manually');
    await stack.env.client.workflow.getHandle(res.body.caseId).result();
    await recordHistory(stack.env.client, res.body.caseId, 'v2-triageCase-no-match');
  });

  it('when a 16-year-old suspect is referred late on 23 December, then the protection assessment is due after Christmas and the LUL police track runs 6 weeks from the notification', async () => {
    const res = await stack.api.post('/referrals').send(youth(16, { receivedAt: '2026-12-23T16:00:00+01:00' })).expect(201);
    expect(res.body).toMatchObject({ caseType: 'youth-concern', policyVersion: '2026.3-sv', routing: { ruleId: 'youth-15-17-suspected', tracks: ['police-lul'] } });
    const caseId = res.body.caseId as string;
    const protection = await taskIn(stack, caseId, 'protectionAssessment', 'open');
    // 24 (julafton), 25 and 26 December are not working days, 27th is a Sunday: Monday 28th, 17:00.
    expect(protection.dueAt).toBe('2026-12-28T16:00:00.000Z');
    const lul = await taskIn(stack, caseId, 'lulNotification', 'open');
    expect(lul).toMatchObject({ unit: 'police-local', consent: null });
    expect(lul.legalBasis).toMatch(/^LUL 6 §/);
    const investigation = await taskIn(stack, caseId, 'policeInvestigation', 'open');
    expect(investigation.legalBasis).toMatch(/^LUL 4 §/);
    expect(investigation.dueAt).toBe('2027-02-03T15:00:00.000Z'); // 6 weeks, same local time (16:00 CET)
  });

  it('when a referral arrives late on the Friday before summer time starts, then the same-day step is due Monday 17:00 summer time', async () => {
    const res = await stack.api.post('/referrals').send(youth(14, { receivedAt: '2026-03-27T16:00:00+01:00' })).expect(201);
    expect(res.body.routing).toMatchObject({ ruleId: 'youth-under-15', tracks: [] });
    const protection = await taskIn(stack, res.body.caseId, 'protectionAssessment', 'open');
    expect(protection).toMatchObject({ unit: 'soc-children-youth', dueAt: '2026-03-30T15:00:00.000Z' });
  });

  it('when an admin publishes a new routing table, then new referrals follow it, old cases keep their version, and bad tables get 400 naming the field', async () => {
    const current = await stack.api.get('/admin/routing').expect(200);
    expect(current.body.active.version).toBe('2026.2');
    const bad = await stack.api
      .post('/admin/routing')
      .send({ version: 'test-2', rules: [{ id: 'x', when: { urgency: ['whenever'] }, then: { caseType: 'youth-concern' } }] })
      .expect(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['rules.0.when.urgency.0']);
    await stack.api
      .post('/admin/routing')
      .send({ version: 'test-2', rules: [{ id: 'x', when: {}, then: { caseType: 'youth-concern', units: { investigation: 'no-such-unit' } } }] })
      .expect(422);

    const table = { version: 'test-2', rules: [{ id: 'adults-to-sig', when: { ageMin: 26 }, then: { caseType: 'social-intervention-group' } }, ...current.body.active.rules] };
    await stack.api.post('/admin/routing').set('X-Actor-Id', 'admin-1').send(table).expect(201);
    await stack.api.post('/admin/routing').send(table).expect(409);
    const res = await stack.api.post('/referrals').send({ referral: { sourceAgency: 'school', category: 'other', subject: { ageYears: 40 } } }).expect(201);
    expect(res.body).toMatchObject({ caseType: 'social-intervention-group', routing: { tableVersion: 'test-2', ruleId: 'adults-to-sig' } });

    const malformed = await stack.api.post('/referrals').send({ referral: { sourceAgency: 'police', category: 'gossip', subject: { ageYears: 16 } } }).expect(400);
    expect(malformed.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['referral.category']);
  });

  it('when an admin reads a routing version by name, then a version no longer active answers with its stored table, its activation and active false, the active one with active true; an unknown version is 404, a malformed one 400 naming it, and other roles 403', async () => {
    const admin: Identity = { sub: 'routing-reader', roles: ['admin'] };
    const active = (await stack.as(admin).get('/admin/routing').expect(200)).body as { active: { version: string; rules: unknown[] }; versions: Array<{ version: string; activatedAt: string }> };
    // A version of this test's own, so that 2026.1 (seeded, replaced long ago) is not the active one whatever ran before.
    const own = { ...active.active, version: 'read-by-version-1' };
    await stack.as(admin).post('/admin/routing').send(own).expect(201);
    const listed = (await stack.as(admin).get('/admin/routing').expect(200)).body.versions as Array<{ version: string; activatedAt: string }>;

    const old = await stack.as(admin).get('/admin/routing/versions/2026.1').expect(200);
    const seeded = routingTables().find((t) => t.version === '2026.1');
    expect(old.body).toEqual({ table: seeded, activatedAt: listed.find((v) => v.version === '2026.1')!.activatedAt, active: false });
    const now = await stack.as(admin).get('/admin/routing/versions/read-by-version-1').expect(200);
    expect(now.body).toEqual({ table: own, activatedAt: listed.find((v) => v.version === own.version)!.activatedAt, active: true });

    const missing = await stack.as(admin).get('/admin/routing/versions/no-such-version').expect(404);
    expect(missing.body.error.code).toBe('ROUTING_VERSION_NOT_FOUND');
    for (const bad of ['two%20words', 'a'.repeat(65), '%C3%A5r-2026']) {
      const malformed = await stack.as(admin).get(`/admin/routing/versions/${bad}`).expect(400);
      expect(malformed.body.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'version' })] });
    }
    const others: Identity[] = [
      { sub: 'routing-coordinator', roles: ['coordinator'] },
      { sub: 'routing-auditor', roles: ['auditor'] },
      { sub: 'routing-staff', roles: ['staff'], units: ['soc-children-youth'] },
    ];
    for (const who of others) await stack.as(who).get('/admin/routing/versions/2026.1').expect(403);

    // Each read is on the trail as routing.version.read, as routing.read is: the refusals too.
    const rows = await stack.db.prisma.auditEvent.findMany({ where: { action: 'routing.version.read' }, select: { actor: true, status: true } });
    expect(rows.filter((r) => r.actor === admin.sub).map((r) => r.status).sort()).toEqual([200, 200, 400, 400, 400, 404]);
    expect(rows.filter((r) => others.some((o) => o.sub === r.actor)).map((r) => r.status)).toEqual([403, 403, 403]);
  });

  it('when a new youth-concern policy is published, then new cases run it, running cases keep theirs and the admin sees the version of each', async () => {
    const before = await stack.api.post('/referrals').send(youth(16)).expect(201);
    expect(before.body.policyVersion).toBe('2026.3-sv');
    const published = await stack.api.post('/admin/policies').send(fastYouthConcernTracksPolicy('test-tracks')).expect(201);
    expect(published.body).toMatchObject({ caseType: 'youth-concern', version: 'test-tracks' });
    await stack.api.post('/admin/policies').send({ ...fastYouthConcernTracksPolicy('test-x'), steps: {} }).expect(422);
    const after = await stack.api.post('/referrals').send(youth(16)).expect(201);
    expect(after.body.policyVersion).toBe('test-tracks');
    expect((await caseView(stack, before.body.caseId)).policyVersion).toBe('2026.3-sv');

    const list = await stack.api.get('/admin/policies').expect(200);
    const youthVersions = list.body.items.filter((p: { caseType: string }) => p.caseType === 'youth-concern');
    expect(youthVersions.map((p: { version: string; active: boolean }) => [p.version, p.active])).toEqual([
      ['test-tracks', true],
      ['2026.3-sv', false],
      ['2026.3', false],
      ['2026.2', false],
      ['2026.1', false],
    ]);
    const total = (cases: Record<string, number>) => Object.values(cases).reduce((a, b) => a + b, 0);
    expect(total(youthVersions[0].cases)).toBe(1);
    expect(total(youthVersions[1].cases)).toBe(3);
  });

  it('when an admin reads a policy version, then its steps come in the order a case meets them, not the database\'s key order', async () => {
    const stepsOf = async (caseType: string, version: string) => Object.keys((await stack.api.get(`/admin/policies/${caseType}/${version}`).expect(200)).body.document.steps);
    const youthSteps = [
      'protectionAssessment',
      'immediateProtection',
      'investigationDecision',
      'investigation',
      'lulNotification',
      'policeInvestigation',
      'prosecutorStatement',
      'interventionPlan',
      'followUp',
      'acuteThreatAssessment',
    ];
    expect(await stepsOf('youth-concern', '2026.3')).toEqual(youthSteps);
    // The control: stored as jsonb, the document's keys come back shortest first.
    const stored = await stack.db.prisma.policy.findUniqueOrThrow({ where: { caseType_version: { caseType: 'youth-concern', version: '2026.3' } } });
    expect(Object.keys((stored.document as { steps: object }).steps)).not.toEqual(youthSteps);
    expect(await stepsOf('social-intervention-group', '2026.2')).toEqual(['actionPlan', 'policeContribution', 'review', 'consentReconfirmation', 'acuteThreatAssessment']);
    const exit = await stepsOf('exit-programme', '2026.2');
    expect(exit.slice(0, 3)).toEqual(['firstConversation', 'initialAssessment', 'mapping']);
    expect(exit.at(-1)).toBe('followUp');
  });

  it('when a 16-year-old suspect\'s case is walked, then the social track and the parallel LUL police track both finish before the case closes', async () => {
    const { body } = await stack.api.post('/referrals').send(youth(16)).expect(201);
    const caseId = body.caseId as string;
    expect(body.policyVersion).toBe('test-tracks');
    const walk: Array<[string, string]> = [
      ['lulNotification', 'notified'],
      ['protectionAssessment', 'no-immediate-risk'],
      ['policeInvestigation', 'investigation-concluded'],
      ['investigationDecision', 'open-investigation'],
      ['prosecutorStatement', 'submitted'],
      ['investigation', 'measures-decided'],
      ['interventionPlan', 'plan-agreed'],
      ['followUp', 'case-closed'],
    ];
    for (const [step, outcome] of walk) await complete(stack, (await taskIn(stack, caseId, step, 'open')).taskId, outcome);
    const result = await stack.env.client.workflow.getHandle(caseId).result();
    expect(result.steps.map((s: { stepKey: string }) => s.stepKey).sort()).toEqual(walk.map(([s]) => s).sort());
    expect((await caseView(stack, caseId)).status).toBe('closed');
    await recordHistory(stack.env.client, caseId, 'v2-youthConcernCase-police-track');
  });

  it('when a 14-year-old suspect\'s case is walked, then it closes with no police track at all', async () => {
    const { body } = await stack.api.post('/referrals').send(youth(14)).expect(201);
    const caseId = body.caseId as string;
    for (const [step, outcome] of [
      ['protectionAssessment', 'no-immediate-risk'],
      ['investigationDecision', 'no-investigation'],
    ]) {
      await complete(stack, (await taskIn(stack, caseId, step, 'open')).taskId, outcome);
    }
    await stack.env.client.workflow.getHandle(caseId).result();
    const kase = await caseView(stack, caseId);
    expect(kase.tasks.map((t) => t.unit)).toEqual(['soc-children-youth', 'soc-children-youth']);
  });
});
