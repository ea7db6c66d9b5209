import { createRetentionActivities } from '../../activities/retention';
import { revisionContext } from '../../api/useCases/correctSubject';
import { subjectContext } from '../../api/useCases/recordCase';
import { protectedIdentityMarker, sv } from '../../domain/catalog';
import { onceOpened } from '../support/cases';
import { testFieldCrypto } from '../support/keys';
import { publishPolicy } from '../../prisma/seed';
import { fastYouthConcernPolicy, sharingSigPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const long = (amount: number) => ({ kind: 'span' as const, span: { amount, unit: 'seconds' as const } });

const callers = {
  coordinator: { sub: 'person-coordinator', roles: ['coordinator'] },
  // The protection assessment's unit (children & youth): its task rests on social services' own duty.
  handlaggare: { sub: 'person-handlaggare', roles: ['staff'], units: ['soc-children-youth'] },
  supervisor: { sub: 'person-supervisor', roles: ['supervisor'], supervisedUnits: ['soc-children-youth'] },
  // The police, with no task in the case and no consent: no need to know.
  police: { sub: 'person-police', roles: ['staff'], units: ['police-local'] },
  auditor: { sub: 'person-auditor', roles: ['auditor'] },
} satisfies Record<string, Identity>;

const subject = { displayName: 'Lisa Persontest', personalIdentityNumber: '20110312-2386', ageYears: 15, guardians: 2 };
const narrative = 'Polisen anträffade henne med kniv vid Storvretskolan';

describe('the person a case is about', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Long deadlines: the tests here read and correct, they do not wait for reminders.
    stack = await startStack('person', {
      policy: fastYouthConcernPolicy('person-1', {
        protectionAssessment: { deadline: long(3600), reminders: [], escalation: [{ after: long(3600).span, target: 'unitSupervisor' }] },
        investigationDecision: { deadline: long(3600), reminders: [], escalation: [{ after: long(3600).span, target: 'unitSupervisor' }] },
      }),
    });
    await publishPolicy(stack.db.prisma, sharingSigPolicy('person-sig-1'));
  });
  afterAll(async () => {
    await stack.teardown();
  });

  /** A youth-concern case of its own, with the protection assessment open at children & youth. */
  async function newCase(overrides: Partial<typeof subject> = {}) {
    const { body } = await stack
      .as(callers.coordinator)
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'weapons', subject: { ...subject, ...overrides }, narrative } })
      .expect(201);
    const task = await eventually('the protection assessment', () =>
      stack.db.prisma.task.findFirst({ where: { caseId: body.caseId, stepKey: 'protectionAssessment', status: 'open' } }), 60_000);
    return { caseId: body.caseId as string, taskId: task.id };
  }

  it("when the protection assessment's unit reads the subject, then it gets the person decrypted; a police unit without consent gets the 404 of a missing case, and the case view carries no person", async () => {
    const { caseId } = await newCase();

    const read = await stack.as(callers.handlaggare).get(`/cases/${caseId}/subject`).expect(200);
    expect(read.body).toEqual({
      caseId,
      displayName: 'Lisa Persontest',
      personalIdentityNumber: '20110312-2386',
      birthDate: '2011-03-12',
      ageYears: 15,
      guardians: 2,
      narrative,
      contact: null,
      address: null,
      withheld: [],
      protectedIdentity: null,
      correctedAt: null,
      pseudonymisedAt: null,
    });
    await stack.as(callers.supervisor).get(`/cases/${caseId}/subject`).expect(200);
    await stack.as(callers.coordinator).get(`/cases/${caseId}/subject`).expect(200);

    const police = await stack.as(callers.police).get(`/cases/${caseId}/subject`).expect(404);
    const missing = await stack.as(callers.police).get('/cases/VPC-2026-NOSUCH00/subject').expect(404);
    expect(police.body).toEqual(missing.body);
    expect(JSON.stringify(police.body)).not.toContain('Lisa');

    // The case view stays without the person, for everyone.
    const view = await stack.as(callers.handlaggare).get(`/cases/${caseId}`).expect(200);
    const text = JSON.stringify(view.body);
    for (const needle of ['Lisa', 'Persontest', '20110312', 'kniv']) expect(text).not.toContain(needle);
  });

  it('when the police hold a SIG task on consent, then they read the subject (and find the case) while the consent is in force, and not before it or after its withdrawal', async () => {
    const { body } = await stack
      .as(callers.coordinator)
      .post('/cases')
      .send({ caseType: 'social-intervention-group', referral: { sourceAgency: 'police', category: 'threat', subject: { displayName: 'Adam Samtyckesson', ageYears: 19 } } })
      .expect(201);
    const caseId = body.caseId as string;
    await eventually('the police task waiting for consent', () =>
      stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'policeContribution', status: 'waiting-for-consent' } }), 60_000);
    await stack.as(callers.police).get(`/cases/${caseId}/subject`).expect(404);
    const found = async () => (await stack.as(callers.police).get(`/cases?caseId=${caseId}`).expect(200)).body.total as number;
    expect(await found()).toBe(0);

    const consent = await stack
      .as(callers.coordinator)
      .post(`/cases/${caseId}/consents`)
      .send({ personRole: 'subject', receivingAgency: 'police', purpose: 'sig' })
      .expect(201);
    await eventually('the police task to open', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'policeContribution', status: 'open' } }), 60_000);
    const read = await stack.as(callers.police).get(`/cases/${caseId}/subject`).expect(200);
    expect(read.body.displayName).toBe('Adam Samtyckesson');
    // The search applies the same rule: the case is found while the consent is in force.
    expect(await found()).toBe(1);

    await stack.as(callers.coordinator).post(`/cases/${caseId}/consents/${consent.body.consentId}/withdraw`).expect(200);
    await stack.as(callers.police).get(`/cases/${caseId}/subject`).expect(404);
    expect(await found()).toBe(0);
  });

  it("when an auditor asks who read this child's personal data, and when, then GET /audit answers from the subject.read rows alone, refusals included", async () => {
    const { caseId } = await newCase({ personalIdentityNumber: '20090505-4011' });
    await stack.as(callers.handlaggare).get(`/cases/${caseId}/subject`).expect(200);
    await stack.as(callers.coordinator).get(`/cases/${caseId}/subject`).expect(200);
    await stack.as(callers.police).get(`/cases/${caseId}/subject`).expect(404);
    // Reading the case without the person is another action: not a read of the child's data.
    await stack.as(callers.supervisor).get(`/cases/${caseId}`).expect(200);

    const trail = await stack.as(callers.auditor).get(`/audit?caseId=${caseId}&action=subject.read`).expect(200);
    const rows = trail.body.items as Array<{ actor: string; at: string; status: number; action: string; caseId: string; route: string; method: string }>;
    expect(rows.every((r) => r.action === 'subject.read' && r.caseId === caseId && r.method === 'GET' && r.route === '/cases/:caseId/subject')).toBe(true);
    const whoRead = rows.filter((r) => r.status === 200).map((r) => r.actor).sort();
    expect(whoRead).toEqual([callers.coordinator.sub, callers.handlaggare.sub].sort());
    expect(rows.find((r) => r.actor === callers.police.sub)?.status).toBe(404);
    for (const r of rows) expect(Number.isNaN(Date.parse(r.at))).toBe(false);
    // Newest first: the refused police read came last.
    expect(rows[0].actor).toBe(callers.police.sub);
  });

  it('when a coordinator corrects the subject, then the new values are read, what they replaced is kept encrypted, and the trail names the fields, never the values', async () => {
    const { caseId } = await newCase({ personalIdentityNumber: '20100101-2002' });
    const corrected = await stack
      .as(callers.coordinator)
      .post(`/cases/${caseId}/subject/corrections`)
      .send({ displayName: 'Lisa Rättadsson', personalIdentityNumber: '201001012002', ageYears: 16, contact: '070-123 45 67', address: 'Testgatan 1, Tumba' })
      .expect(201);
    expect(corrected.body).toMatchObject({ caseId, fields: ['displayName', 'personalIdentityNumber', 'ageYears', 'contact', 'address'] });

    const read = await stack.as(callers.handlaggare).get(`/cases/${caseId}/subject`).expect(200);
    expect(read.body).toMatchObject({ displayName: 'Lisa Rättadsson', ageYears: 16, narrative, contact: '070-123 45 67', address: 'Testgatan 1, Tumba' });
    expect(read.body.correctedAt).not.toBeNull();

    // What was replaced: encrypted, bound to its revision row (not readable as the subject's own column).
    const crypto = testFieldCrypto();
    const revision = await stack.db.prisma.caseSubjectRevision.findUniqueOrThrow({ where: { id: corrected.body.revisionId } });
    expect(revision).toMatchObject({ caseId, replacedBy: callers.coordinator.sub, ageYears: 15, contactEnc: null, addressEnc: null });
    expect(revision.displayNameEnc).not.toContain('Lisa');
    expect(crypto.decrypt(revision.displayNameEnc!, revisionContext(revision.id, 'display_name'))).toBe('Lisa Persontest');
    expect(() => crypto.decrypt(revision.displayNameEnc!, subjectContext(caseId, 'display_name'))).toThrow();

    // The trail: who corrected which fields; no value in it.
    const trail = await stack.as(callers.auditor).get(`/audit?caseId=${caseId}&action=subject.correct`).expect(200);
    expect(trail.body.items.map((r: { phase: string }) => r.phase).sort()).toEqual(['intent', 'result']);
    const result = trail.body.items.find((r: { phase: string }) => r.phase === 'result');
    expect(result).toMatchObject({ actor: callers.coordinator.sub, status: 201, detail: { fields: corrected.body.fields } });
    for (const needle of ['Rättadsson', '070-123', 'Testgatan']) expect(JSON.stringify(trail.body)).not.toContain(needle);

    // The coordinator reads what was replaced; that is a read of the person's data too (subject.read).
    const history = await stack.as(callers.coordinator).get(`/cases/${caseId}/subject/corrections`).expect(200);
    expect(history.body.items).toEqual([
      {
        revisionId: corrected.body.revisionId,
        replacedAt: expect.any(String),
        replacedBy: callers.coordinator.sub,
        // The coordinator's token carries no name, so the staff directory has none.
        replacedByName: null,
        fields: corrected.body.fields,
        previous: { displayName: 'Lisa Persontest', personalIdentityNumber: '20100101-2002', ageYears: 15, contact: null, address: null },
      },
    ]);
    await stack.as(callers.handlaggare).get(`/cases/${caseId}/subject/corrections`).expect(403);
    const reads = await stack.as(callers.auditor).get(`/audit?caseId=${caseId}&action=subject.read&actor=${callers.coordinator.sub}`).expect(200);
    expect(reads.body.items.map((r: { route: string }) => r.route)).toContain('/cases/:caseId/subject/corrections');

    // Staff may read, not correct.
    await stack.as(callers.handlaggare).post(`/cases/${caseId}/subject/corrections`).send({ ageYears: 17 }).expect(403);
    await stack.as(callers.coordinator).post(`/cases/${caseId}/subject/corrections`).send({}).expect(400);
  });

  it('when a coordinator sends null for each field a correction can empty, then the person reads empty there, the personnummer no longer finds the case, the history keeps every old value, and the age cannot be emptied', async () => {
    const pin = '20100101-2002';
    const { caseId } = await newCase({ personalIdentityNumber: pin, displayName: 'Tova Tömningstest' });
    await stack.as(callers.coordinator).post(`/cases/${caseId}/subject/corrections`).send({ contact: '070-765 43 21', address: 'Tömgatan 2, Tumba' }).expect(201);
    const found = async () => (await stack.as(callers.coordinator).post('/cases/search').send({ personalIdentityNumber: pin }).expect(200)).body.items.some((c: { caseId: string }) => c.caseId === caseId);
    await expect(found()).resolves.toBe(true);

    const emptied = await stack
      .as(callers.coordinator)
      .post(`/cases/${caseId}/subject/corrections`)
      .send({ displayName: null, personalIdentityNumber: null, narrative: null, contact: null, address: null })
      .expect(201);
    expect(emptied.body.fields).toEqual(['displayName', 'personalIdentityNumber', 'narrative', 'contact', 'address']);
    const read = await stack.as(callers.coordinator).get(`/cases/${caseId}/subject`).expect(200);
    expect(read.body).toMatchObject({ displayName: null, personalIdentityNumber: null, birthDate: null, ageYears: 15, narrative: null, contact: null, address: null });
    const row = await stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId } });
    expect(row).toMatchObject({ displayNameEnc: null, personalIdentityNumberEnc: null, personalIdentityNumberHash: null, narrativeEnc: null, contactEnc: null, addressEnc: null });
    await expect(found()).resolves.toBe(false);

    const history = await stack.as(callers.coordinator).get(`/cases/${caseId}/subject/corrections`).expect(200);
    expect(history.body.items.at(-1)).toEqual({
      revisionId: emptied.body.revisionId,
      replacedAt: expect.any(String),
      replacedBy: callers.coordinator.sub,
      replacedByName: null,
      fields: emptied.body.fields,
      previous: { displayName: 'Tova Tömningstest', personalIdentityNumber: pin, narrative, contact: '070-765 43 21', address: 'Tömgatan 2, Tumba' },
    });
    const trail = await stack.as(callers.auditor).get(`/audit?caseId=${caseId}&action=subject.correct`).expect(200);
    for (const needle of ['Tömningstest', '070-765', 'Tömgatan', '20100101']) expect(JSON.stringify(trail.body)).not.toContain(needle);

    const age = await stack.as(callers.coordinator).post(`/cases/${caseId}/subject/corrections`).send({ ageYears: null }).expect(400);
    expect(age.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['ageYears']);
  });

  it('when a named coordinator corrects the subject, then the corrections name them beside their id', async () => {
    const named: Identity = { sub: 'person-named-coordinator', name: 'Lena Berg', roles: ['coordinator'] };
    const { caseId } = await newCase();
    await stack.as(named).post(`/cases/${caseId}/subject/corrections`).send({ ageYears: 16 }).expect(201);
    await stack.as(callers.coordinator).post(`/cases/${caseId}/subject/corrections`).send({ ageYears: 17 }).expect(201);
    const history = await stack.as(named).get(`/cases/${caseId}/subject/corrections`).expect(200);
    expect(history.body.items.map((c: { replacedBy: string; replacedByName: string | null }) => [c.replacedBy, c.replacedByName])).toEqual([
      [named.sub, 'Lena Berg'],
      [callers.coordinator.sub, null],
    ]);
  });

  it('when a coordinator marks the case as protected identity, then contact and address go to coordinators only, every view and the next email carry the marker without personal data, and the marker survives retention', async () => {
    const { caseId, taskId } = await newCase({ personalIdentityNumber: '20080808-2002' });
    await stack.as(callers.coordinator).post(`/cases/${caseId}/subject/corrections`).send({ contact: '070-765 43 21', address: 'Skyddsvägen 2, Hallunda' }).expect(201);
    await stack.as(callers.handlaggare).post(`/cases/${caseId}/protected-identity`).send({ protectedIdentity: true }).expect(403);
    const marked = await stack.as(callers.coordinator).post(`/cases/${caseId}/protected-identity`).send({ protectedIdentity: true }).expect(200);
    expect(marked.body.protectedIdentity).toMatchObject({ marker: protectedIdentityMarker });

    const staffRead = await stack.as(callers.handlaggare).get(`/cases/${caseId}/subject`).expect(200);
    expect(staffRead.body).toMatchObject({ displayName: 'Lisa Persontest', contact: null, address: null, withheld: ['contact', 'address'], protectedIdentity: { marker: protectedIdentityMarker } });
    const coordinatorRead = await stack.as(callers.coordinator).get(`/cases/${caseId}/subject`).expect(200);
    expect(coordinatorRead.body).toMatchObject({ contact: '070-765 43 21', address: 'Skyddsvägen 2, Hallunda', withheld: [] });

    const view = await stack.as(callers.handlaggare).get(`/cases/${caseId}`).expect(200);
    expect(view.body.protectedIdentity).toEqual(marked.body.protectedIdentity);
    const inbox = await stack.as(callers.handlaggare).get('/tasks?status=all&limit=200').expect(200);
    expect(inbox.body.items.find((t: { caseId: string }) => t.caseId === caseId).protectedIdentity).toEqual(marked.body.protectedIdentity);

    // The next step's email carries the marker, and still no personal data.
    const completed = await onceOpened(() => stack.as(callers.handlaggare).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }));
    expect(completed.status).toBe(200);
    expect(completed.body.protectedIdentity).toEqual(marked.body.protectedIdentity);
    const [mail] = await stack.smtp.waitFor((m) => m.subject.includes(caseId) && m.subject.includes(sv.steps.investigationDecision), { timeoutMs: 60_000 });
    expect(mail.text).toContain(protectedIdentityMarker);
    for (const needle of ['Lisa', 'Persontest', '20080808', 'Skyddsvägen', '070-765', 'kniv']) expect(`${mail.subject}\n${mail.text}`).not.toContain(needle);

    // Closed and past retention: the person's data goes, the marker stays.
    const decision = await eventually('the decision task', () =>
      stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'investigationDecision', status: 'open' } }), 60_000);
    await onceOpened(() => stack.as(callers.handlaggare).post(`/tasks/${decision.id}/complete`).send({ outcome: 'no-investigation' })).then((r) => expect(r.status).toBe(200));
    await eventually('the case to close', () => stack.db.prisma.case.findFirst({ where: { id: caseId, status: 'closed' } }), 60_000);
    const sweep = createRetentionActivities({
      prisma: stack.db.prisma,
      clock: { now: () => new Date(Date.now() + 3 * 365 * 86_400_000) },
    } as Parameters<typeof createRetentionActivities>[0]);
    const { pseudonymised } = await sweep.pseudonymiseExpiredCases({ retainAfter: 'P2Y', performedBy: 'person-test', batchSize: 1000 });
    expect(pseudonymised).toContain(caseId);
    const after = await stack.as(callers.coordinator).get(`/cases/${caseId}/subject`).expect(200);
    expect(after.body).toMatchObject({ displayName: null, personalIdentityNumber: null, contact: null, address: null, narrative: null, protectedIdentity: marked.body.protectedIdentity });
    expect(after.body.pseudonymisedAt).not.toBeNull();
    const revisions = await stack.db.prisma.caseSubjectRevision.findMany({ where: { caseId } });
    expect(revisions.every((r) => r.displayNameEnc === null && r.contactEnc === null && r.addressEnc === null)).toBe(true);
    expect((await stack.as(callers.coordinator).get(`/cases/${caseId}`).expect(200)).body.protectedIdentity).toEqual(marked.body.protectedIdentity);
    await stack.as(callers.coordinator).post(`/cases/${caseId}/subject/corrections`).send({ ageYears: 17 }).expect(409);
  });
});
