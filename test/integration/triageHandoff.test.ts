import { subjectContext } from '../../api/useCases/recordCase';
import { taskIn } from '../support/cases';
import { testFieldCrypto } from '../support/keys';
import { startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const coordinator: Identity = { sub: 'triage-coordinator', roles: ['coordinator'] };
const receivedAt = '2026-11-30T09:15:00.000Z';

/** A referral no routing rule matches: it becomes a coordinator's triage task. */
const unrouted = (ageYears: number) => ({
  referral: {
    sourceAgency: 'school',
    category: 'other',
    receivedAt,
    subject: { displayName: 'Omar Triagesson', personalIdentityNumber: '20100101-1236', ageYears },
    narrative: 'Asked the school counsellor for help leaving a group.',
  },
});

describe('triage hands on: completing a triage task starts the routed case', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('triage-handoff');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a coordinator routes a triage task, then the chosen case starts with the same referral, linked to the triage case, and the triage case closes', async () => {
    const triage = await stack.as(coordinator).post('/referrals').send(unrouted(40)).expect(201);
    expect(triage.body.caseType).toBe('triage');
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');

    const routed = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'exit-programme', tracks: ['acute-threat'] }).expect(201);
    expect(routed.body).toMatchObject({
      triageCaseId: triage.body.caseId,
      triageTask: { taskId: task.taskId, status: 'completed', outcome: 'routed-manually' },
      case: { caseType: 'exit-programme', routing: { tableVersion: 'manual', ruleId: `triage:${triage.body.caseId}`, tracks: ['acute-threat'] } },
    });
    const caseId = routed.body.case.caseId as string;

    // The referral came along: the same facts, the person's data encrypted under the new case's id.
    const [row, subject] = await Promise.all([
      stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } }),
      stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId } }),
    ]);
    expect(row).toMatchObject({ routedFromCaseId: triage.body.caseId, linkedCaseId: triage.body.caseId, sourceAgency: 'school', category: 'other' });
    const crypto = testFieldCrypto();
    expect(crypto.decrypt(subject.displayNameEnc!, subjectContext(caseId, 'display_name'))).toBe('Omar Triagesson');
    expect(crypto.decrypt(subject.narrativeEnc!, subjectContext(caseId, 'narrative'))).toBe('Asked the school counsellor for help leaving a group.');
    expect(subject.ageYears).toBe(40);
    expect((row.startArgs as { receivedAt: string }).receivedAt).toBe(receivedAt);

    // The routed case runs (its acute track too); the triage case is done.
    await taskIn(stack, caseId, 'firstConversation', 'open');
    await taskIn(stack, caseId, 'acuteThreatAssessment', 'open');
    expect(await stack.env.client.workflow.getHandle(triage.body.caseId).result()).toMatchObject({ steps: [{ stepKey: 'triage', outcome: 'routed-manually' }] });
    const audit = await stack.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'triage.route', phase: 'result' } });
    expect(audit).toMatchObject({ actor: coordinator.sub, status: 201, caseId: triage.body.caseId, detail: { routedCaseId: caseId } });
  });

  it("when a minor's triage task is routed to a voluntary programme, then a youth concern starts beside it, as routing would", async () => {
    // Routing sends every minor somewhere; a coordinator may still open a triage case by type.
    const triage = await stack.as(coordinator).post('/cases').send({ caseType: 'triage', ...unrouted(16) }).expect(201);
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');
    const routed = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'social-intervention-group' }).expect(201);
    const row = await stack.db.prisma.case.findUniqueOrThrow({ where: { id: routed.body.case.caseId } });
    const besideId = (row.startArgs as { companionIds?: Record<string, string> }).companionIds?.['youth-concern'];
    expect(besideId).toBeDefined();
    await taskIn(stack, besideId!, 'protectionAssessment', 'open');
  });

  it("when a minor's triage task is completed with an outcome that starts no case, then it is refused and stays open until it is routed on", async () => {
    const triage = await stack.as(coordinator).post('/cases').send({ caseType: 'triage', ...unrouted(15) }).expect(201);
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');
    // The age band decides how the task may end: coordinators and the staff holding the task see it, so the web offers no dead end.
    expect((await stack.as(coordinator).get(`/cases/${triage.body.caseId}`).expect(200)).body.subjectIsMinor).toBe(true);
    const triageStaff: Identity = { sub: 'triage-staff', roles: ['staff'], units: [task.unit] };
    expect((await stack.as(triageStaff).get(`/cases/${triage.body.caseId}`).expect(200)).body).toMatchObject({ view: 'need-to-know', subjectIsMinor: true, guardians: null });
    for (const outcome of ['no-action', 'routed-manually']) {
      const refused = await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome }).expect(422);
      expect(refused.body.error).toMatchObject({ code: 'CHILD_REPORT_NEEDS_CASE' });
      expect(JSON.stringify(refused.body)).not.toContain('Omar');
    }
    expect(await stack.db.prisma.task.findUniqueOrThrow({ where: { id: task.taskId }, select: { status: true } })).toEqual({ status: 'open' });

    const routed = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'youth-concern' }).expect(201);
    expect(routed.body.triageTask).toMatchObject({ status: 'completed', outcome: 'routed-manually' });
    await taskIn(stack, routed.body.case.caseId, 'protectionAssessment', 'open');
  });

  it("when an adult's triage task is completed with no action, then it is done: only a child's report must go on to a case", async () => {
    const triage = await stack.as(coordinator).post('/referrals').send(unrouted(43)).expect(201);
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');
    expect((await stack.as(coordinator).get(`/cases/${triage.body.caseId}`).expect(200)).body.subjectIsMinor).toBe(false);
    expect((await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'no-action' }).expect(200)).body).toMatchObject({ status: 'completed', outcome: 'no-action' });
  });

  it('when a coordinator starts a voluntary programme by type for a minor, then a youth concern starts beside it, as routing would', async () => {
    for (const caseType of ['social-intervention-group', 'exit-programme']) {
      const started = await stack.as(coordinator).post('/cases').send({ caseType, ...unrouted(16) }).expect(201);
      const row = await stack.db.prisma.case.findUniqueOrThrow({ where: { id: started.body.caseId } });
      const besideId = (row.startArgs as { companionIds?: Record<string, string> }).companionIds?.['youth-concern'];
      expect({ caseType, beside: besideId !== undefined }).toEqual({ caseType, beside: true });
      await taskIn(stack, besideId!, 'protectionAssessment', 'open');
      // Linked as every case of the person is: to their first case.
      expect(await stack.db.prisma.case.findUniqueOrThrow({ where: { id: besideId! }, select: { linkedCaseId: true, caseType: true } })).toEqual({ linkedCaseId: started.body.linkedCaseId ?? started.body.caseId, caseType: 'youth-concern' });
    }
    // An adult's programme runs alone.
    const adult = await stack.as(coordinator).post('/cases').send({ caseType: 'social-intervention-group', ...unrouted(22) }).expect(201);
    const adultRow = await stack.db.prisma.case.findUniqueOrThrow({ where: { id: adult.body.caseId } });
    expect((adultRow.startArgs as { companionIds?: unknown }).companionIds).toBeUndefined();
  });

  it('when the task is not a triage task, or already done, then routing it is refused and no case starts', async () => {
    const triage = await stack.as(coordinator).post('/referrals').send(unrouted(41)).expect(201);
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');
    await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'triage' }).expect(400);
    await stack.api.post(`/tasks/${task.taskId}/complete`).send({ outcome: 'no-action' }).expect(200);
    const before = await stack.db.prisma.case.count();
    expect((await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'youth-concern' }).expect(409)).body.error.code).toBe('TASK_ALREADY_DONE');

    const youth = await stack.as(coordinator).post('/cases').send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'violence', subject: { ageYears: 15 } } }).expect(201);
    const assessment = await taskIn(stack, youth.body.caseId, 'protectionAssessment', 'open');
    expect((await stack.as(coordinator).post(`/tasks/${assessment.taskId}/route`).send({ caseType: 'exit-programme' }).expect(422)).body.error.code).toBe('NOT_A_TRIAGE_TASK');
    expect(await stack.db.prisma.case.count()).toBe(before + 1);
  });

  it('when the triage task cannot be completed after the routed case started, then routing it again reaches the same case, not a second one', async () => {
    const triage = await stack.as(coordinator).post('/referrals').send(unrouted(42)).expect(201);
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');
    // The task's workflow gone while its row still says open: the case starts, the completion fails.
    await stack.env.client.workflow.getHandle(task.taskId).terminate('test: the triage task cannot take its completion');
    const routedHere = () => stack.db.prisma.case.findMany({ where: { routedFromCaseId: triage.body.caseId }, select: { id: true, caseType: true } });

    const first = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'youth-concern' });
    expect(first.status).toBeGreaterThanOrEqual(400);
    const [started] = await routedHere();
    expect(started).toMatchObject({ caseType: 'youth-concern' });

    // Another coordinator tries again: the same case answers, still one.
    const again = await stack.as({ sub: 'triage-coordinator-2', roles: ['coordinator'] }).post(`/tasks/${task.taskId}/route`).send({ caseType: 'youth-concern' });
    expect(again.status).toBe(first.status);
    expect(await routedHere()).toEqual([started]);
    // Routing it another way is refused by name rather than starting a second case.
    const otherWay = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'exit-programme' }).expect(422);
    expect(otherWay.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await routedHere()).toEqual([started]);
  });

  it('when a triage case recorded before referrals were checked names no agency, or one not in the registry, then routing it is refused with AGENCY_NOT_FOUND saying so, no case starts, and once the agency is in order it routes', async () => {
    const triage = await stack.as(coordinator).post('/referrals').send(unrouted(43)).expect(201);
    const task = await taskIn(stack, triage.body.caseId, 'triage', 'open');
    const routedHere = () => stack.db.prisma.case.count({ where: { routedFromCaseId: triage.body.caseId } });
    const before = await stack.db.prisma.case.count();
    // As rows written before the check: the API itself records only registry agencies now.
    const recordedAgency = (sourceAgency: string | null) => stack.db.prisma.case.update({ where: { id: triage.body.caseId }, data: { sourceAgency } });

    await recordedAgency(null);
    const none = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'exit-programme' }).expect(422);
    expect(none.body.error).toMatchObject({ code: 'AGENCY_NOT_FOUND', message: expect.stringContaining('triage case records no referring agency') });
    await recordedAgency('gone-agency');
    const gone = await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'exit-programme' }).expect(422);
    expect(gone.body.error).toMatchObject({ code: 'AGENCY_NOT_FOUND', message: expect.stringContaining("triage case's referring agency (referral.sourceAgency: gone-agency)") });
    // The caller sent no agency: no field of their body is named.
    expect(gone.body.error.fields).toBeUndefined();
    expect(await stack.db.prisma.case.count()).toBe(before);
    await taskIn(stack, triage.body.caseId, 'triage', 'open');

    // The refusal took nothing (not the task's key either): with the agency in order, it routes.
    await recordedAgency('school');
    await stack.as(coordinator).post(`/tasks/${task.taskId}/route`).send({ caseType: 'exit-programme' }).expect(201);
    expect(await routedHere()).toBe(1);
  });
});
