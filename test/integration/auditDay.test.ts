import { publishPolicy } from '../../prisma/seed';
import { fastYouthConcernPolicy } from '../support/policies';
import { onceOpened } from '../support/cases';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const unit = 'soc-children-youth';

const coordinator: Identity = { sub: 'day-coordinator', roles: ['coordinator'] };
const staff: Identity = { sub: 'day-handlaggare', roles: ['staff'], units: [unit] };
const supervisor: Identity = { sub: 'day-arbetsledare', roles: ['supervisor'], supervisedUnits: [unit] };
const outsider: Identity = { sub: 'day-polis', roles: ['staff'], units: ['police-exit'] };
const auditor: Identity = { sub: 'day-auditor', roles: ['auditor'] };

const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'threat', subject: { ageYears: 15 } } };

/** Every step lasts an hour: nothing lapses during the test. */
const slowPolicy = () => {
  const slow = { deadline: { kind: 'span' as const, span: secs(3600) }, reminders: [] };
  return fastYouthConcernPolicy('day-slow', { protectionAssessment: slow, investigationDecision: slow, investigation: slow });
};
/** The first two steps lapse after a second and escalate to the supervisor at once; the head only after an hour. */
const fastPolicy = () => {
  const fast = {
    deadline: { kind: 'span' as const, span: secs(1) },
    reminders: [],
    escalation: [
      { after: secs(0), target: 'unitSupervisor' as const },
      { after: secs(3600), target: 'unitHead' as const },
    ],
  };
  return fastYouthConcernPolicy('day-fast', { protectionAssessment: fast, investigationDecision: fast });
};

describe('a scripted day of work', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('auditday');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a coordinator, staff and a supervisor work two cases, then the audit trail holds exactly their reads and writes, and the report matches the day', async () => {
    const { prisma } = stack.db;
    const taskOf = (caseId: string, stepKey: string) =>
      eventually(`${stepKey} of ${caseId}`, () => prisma.task.findFirst({ where: { caseId, stepKey } }));

    // 08:00 Case A under a policy with hour-long deadlines; case B under one that lapses at once.
    await publishPolicy(prisma, slowPolicy());
    const a = (await stack.as(coordinator).post('/cases').send(referral).expect(201)).body.caseId as string;
    const aAssessment = await taskOf(a, 'protectionAssessment');
    await publishPolicy(prisma, fastPolicy());
    const b = (await stack.as(coordinator).post('/cases').send(referral).expect(201)).body.caseId as string;
    const bAssessment = await taskOf(b, 'protectionAssessment');

    // 09:00 Staff look at the inbox and case A; a police officer tries to read case A and cannot.
    const inbox = await stack.as(staff).get(`/units/${unit}/tasks`).expect(200);
    expect(inbox.body.items.map((t: { taskId: string }) => t.taskId).sort()).toEqual([aAssessment.id, bAssessment.id].sort());
    await stack.as(staff).get(`/cases/${a}`).expect(200);
    await stack.as(outsider).get(`/cases/${a}`).expect(404);

    // 10:00 Staff complete A's assessment; the supervisor extends A's next deadline.
    await stack.as(staff).post(`/tasks/${aAssessment.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const aDecision = await taskOf(a, 'investigationDecision');
    const extended = await onceOpened(() =>
      stack
        .as(supervisor)
        .post(`/tasks/${aDecision.id}/extend`)
        .send({ newDueAt: new Date(aDecision.dueAt.getTime() + 3_600_000).toISOString(), justification: 'guardian meeting booked' }),
    );
    expect(extended.status).toBe(200);

    // 11:00 B's assessment has lapsed: the supervisor sees the escalation and acknowledges it; staff complete it.
    const bEscalation = await eventually('B assessment escalation', () => prisma.escalation.findFirst({ where: { taskId: bAssessment.id, level: 1 } }));
    const listed = await stack.as(supervisor).get('/escalations').expect(200);
    expect(listed.body.items.map((e: { escalationId: string }) => e.escalationId)).toEqual([bEscalation.id]);
    await stack.as(supervisor).post(`/escalations/${bEscalation.id}/acknowledge`).send({ note: 'calling the unit' }).expect(200);
    await stack.as(staff).post(`/tasks/${bAssessment.id}/complete`).send({ outcome: 'immediate-protection-needed' }).expect(200);
    const bDecision = await taskOf(b, 'investigationDecision');
    await eventually('B decision escalation', () => prisma.escalation.findFirst({ where: { taskId: bDecision.id, level: 1 } }));

    // 16:00 The supervisor reads the numbers.
    const report = await stack.as(supervisor).get(`/reports/tasks?unit=${unit}`).expect(200);
    const csv = await stack.as(supervisor).get(`/reports/tasks.csv?unit=${unit}`).expect(200);

    // 17:00 The auditor reads the day.
    const audit = await stack.as(auditor).get('/audit?limit=100').expect(200);
    const day = [...audit.body.items].reverse() as Array<Record<string, unknown>>;
    const rows = day.map((r) => [r.actor, r.action, r.method, r.route, r.status, r.caseId, r.taskId, r.phase]);
    // A case start is one row, written with the case; every other change is its intent (no status yet), then its result.
    expect(rows).toEqual([
      ['day-coordinator', 'case.create', 'POST', '/cases', 201, a, null, null],
      ['day-coordinator', 'case.create', 'POST', '/cases', 201, b, null, null],
      ['day-handlaggare', 'task.list', 'GET', '/units/:unitCode/tasks', 200, null, null, null],
      ['day-handlaggare', 'case.read', 'GET', '/cases/:caseId', 200, a, null, null],
      ['day-polis', 'case.read', 'GET', '/cases/:caseId', 404, a, null, null],
      ['day-handlaggare', 'task.complete', 'POST', '/tasks/:taskId/complete', null, a, aAssessment.id, 'intent'],
      ['day-handlaggare', 'task.complete', 'POST', '/tasks/:taskId/complete', 200, a, aAssessment.id, 'result'],
      ['day-arbetsledare', 'task.extend', 'POST', '/tasks/:taskId/extend', null, a, aDecision.id, 'intent'],
      ['day-arbetsledare', 'task.extend', 'POST', '/tasks/:taskId/extend', 200, a, aDecision.id, 'result'],
      ['day-arbetsledare', 'escalation.list', 'GET', '/escalations', 200, null, null, null],
      ['day-arbetsledare', 'escalation.acknowledge', 'POST', '/escalations/:escalationId/acknowledge', null, b, bAssessment.id, 'intent'],
      ['day-arbetsledare', 'escalation.acknowledge', 'POST', '/escalations/:escalationId/acknowledge', 200, b, bAssessment.id, 'result'],
      ['day-handlaggare', 'task.complete', 'POST', '/tasks/:taskId/complete', null, b, bAssessment.id, 'intent'],
      ['day-handlaggare', 'task.complete', 'POST', '/tasks/:taskId/complete', 200, b, bAssessment.id, 'result'],
      ['day-arbetsledare', 'report.read', 'GET', '/reports/tasks', 200, null, null, null],
      ['day-arbetsledare', 'report.read', 'GET', '/reports/tasks.csv', 200, null, null, null],
    ]);
    // Every row has its request's id and the client's address; an intent and its result share the id, and no two requests do.
    expect(day.every((r) => typeof r.requestId === 'string' && r.sourceAddress === '127.0.0.1')).toBe(true);
    day.forEach((r, i) => r.phase === 'intent' && expect(day[i + 1]).toMatchObject({ phase: 'result', requestId: r.requestId }));
    expect(new Set(day.map((r) => r.requestId)).size).toBe(day.filter((r) => r.phase !== 'intent').length);
    expect(audit.body.items[0].actorRoles).toEqual(['supervisor']);
    // The auditor's own read is audited too.
    const auditReads = await stack.as(auditor).get('/audit?action=audit.read').expect(200);
    expect(auditReads.body.items.map((r: { actor: string }) => r.actor)).toEqual(['day-auditor']);
    const caseA = await stack.as(auditor).get(`/audit?caseId=${a}`).expect(200);
    expect(caseA.body).toMatchObject({ total: 7, totalCapped: false });

    // The report: times to completion recomputed here from the read model (continuous percentiles).
    const done = await prisma.task.findMany({ where: { id: { in: [aAssessment.id, bAssessment.id] } } });
    const [d1, d2] = done.map((t) => (t.completedAt!.getTime() - t.startedAt.getTime()) / 1000).sort((x, y) => x - y);
    expect(report.body.items).toEqual([
      {
        unit,
        step: 'investigationDecision',
        open: 2,
        overdue: 1,
        completed: 0,
        medianSecondsToComplete: null,
        p90SecondsToComplete: null,
        escalations: 1,
        extensions: 1,
      },
      {
        unit,
        step: 'protectionAssessment',
        open: 0,
        overdue: 0,
        completed: 2,
        medianSecondsToComplete: expect.any(Number),
        p90SecondsToComplete: expect.any(Number),
        escalations: 1,
        extensions: 0,
      },
    ]);
    const assessment = report.body.items[1];
    expect(assessment.medianSecondsToComplete).toBeCloseTo((d1 + d2) / 2, 2);
    expect(assessment.p90SecondsToComplete).toBeCloseTo(d1 + 0.9 * (d2 - d1), 2);

    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\r\n')).toEqual([
      'unit,step,open,overdue,completed,medianSecondsToComplete,p90SecondsToComplete,escalations,extensions',
      `${unit},investigationDecision,2,1,0,,,1,1`,
      `${unit},protectionAssessment,0,0,2,${assessment.medianSecondsToComplete},${assessment.p90SecondsToComplete},1,0`,
    ]);
  });
});
