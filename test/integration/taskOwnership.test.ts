import { emailHeadline } from '../../activities/email';
import { publishPolicy } from '../../prisma/seed';
import { fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const unit = 'soc-children-youth';
const secs = (amount: number) => ({ amount, unit: 'seconds' as const });

// Each test has people of its own, so one test's claims never show in another's inbox.
let staffA: Identity;
let staffB: Identity;
let people = 0;
beforeEach(() => {
  people += 1;
  staffA = { sub: `own-staff-a${people}`, roles: ['staff'], units: [unit] };
  staffB = { sub: `own-staff-b${people}`, roles: ['staff'], units: [unit] };
});
const supervisor: Identity = { sub: 'own-supervisor', roles: ['staff', 'supervisor'], units: [unit], supervisedUnits: [unit] };
const policeStaff: Identity = { sub: 'own-police', roles: ['staff'], units: ['police-local'] };

const referral = {
  caseType: 'youth-concern',
  referral: {
    sourceAgency: 'school',
    category: 'violence',
    subject: { displayName: 'Lisa Ägarsson', personalIdentityNumber: '20110312-2386', ageYears: 15 },
    narrative: 'Hit a classmate at Hallunda skola.',
  },
};

describe('owning work: claim, release, assign, reassign', () => {
  let stack: Stack;
  let version = 0;

  /** A case on a policy of its own (deadline in seconds), and its open protection assessment. */
  async function openAssessment(overrides: Record<string, unknown> = {}) {
    version += 1;
    await publishPolicy(
      stack.db.prisma,
      fastYouthConcernPolicy(`own-${version}`, { protectionAssessment: { deadline: { kind: 'span', span: secs(600) }, reminders: [], ...overrides } }),
    );
    const { body } = await stack.api.post('/cases').send(referral).expect(201);
    const task = await eventually('the protection assessment opens', () =>
      stack.db.prisma.task.findFirst({ where: { caseId: body.caseId, stepKey: 'protectionAssessment', status: 'open' } }),
    );
    return { caseId: body.caseId as string, taskId: task.id, dueAt: task.dueAt.toISOString() };
  }

  beforeAll(async () => {
    stack = await startStack('ownership');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when staff claim a task, then it is theirs alone until they release it, and its deadline stays', async () => {
    const { taskId, dueAt } = await openAssessment();
    const claimed = await stack.as(staffA).post(`/tasks/${taskId}/claim`).expect(200);
    expect(claimed.body).toMatchObject({ taskId, unit, status: 'open', assignee: staffA.sub, dueAt });

    const other = await stack.as(staffB).post(`/tasks/${taskId}/claim`).expect(409);
    expect(other.body.error).toMatchObject({ code: 'TASK_CLAIMED', reason: 'claimed' });
    expect(other.body.error.message).toContain(staffA.sub);
    // Claiming one's own task again changes nothing.
    await stack.as(staffA).post(`/tasks/${taskId}/claim`).expect(200);

    const mine = await stack.as(staffA).get('/tasks?mine=true').expect(200);
    expect(mine.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([taskId]);
    expect(mine.body.items[0]).toMatchObject({ assignee: staffA.sub, dueAt });
    const theirs = await stack.as(staffB).get('/tasks?mine=true').expect(200);
    expect(theirs.body.items).toEqual([]);
    // A colleague cannot release it for them.
    expect((await stack.as(staffB).post(`/tasks/${taskId}/release`).expect(409)).body.error.code).toBe('TASK_CLAIMED');

    const released = await stack.as(staffA).post(`/tasks/${taskId}/release`).expect(200);
    expect(released.body).toMatchObject({ assignee: null, dueAt });
    await stack.as(staffB).post(`/tasks/${taskId}/claim`).expect(200);

    const history = await stack.db.prisma.taskAssignment.findMany({ where: { taskId }, orderBy: { at: 'asc' } });
    expect(history.map((h) => [h.action, h.actor, h.assignee])).toEqual([
      ['claimed', staffA.sub, staffA.sub],
      ['released', staffA.sub, null],
      ['claimed', staffB.sub, staffB.sub],
    ]);
    const audit = await stack.db.prisma.auditEvent.findMany({ where: { taskId, action: 'task.claim', phase: 'result' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.actor, a.status])).toEqual([
      [staffA.sub, 200],
      [staffB.sub, 409],
      [staffA.sub, 200],
      [staffB.sub, 200],
    ]);
  });

  it('when two colleagues claim the same task at once, then exactly one holds it', async () => {
    const { taskId } = await openAssessment();
    const answers = await Promise.all([stack.as(staffA).post(`/tasks/${taskId}/claim`), stack.as(staffB).post(`/tasks/${taskId}/claim`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await stack.db.prisma.taskAssignment.count({ where: { taskId } })).toBe(1);
  });

  it("when staff complete a task someone else holds, then TASK_CLAIMED refuses it, and the unit's supervisor may", async () => {
    const { taskId } = await openAssessment();
    await stack.as(staffA).post(`/tasks/${taskId}/claim`).expect(200);
    const refused = await stack.as(staffB).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'TASK_CLAIMED', reason: 'claimed' });
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('open');

    const done = await stack.as(supervisor).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', completedBy: supervisor.sub });
    // Whoever held it stays on record.
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).assignee).toBe(staffA.sub);
  });

  it("when a supervisor assigns a task to a named person, then it is in that person's inbox and they complete it", async () => {
    const { taskId, dueAt } = await openAssessment();
    await stack.as(staffA).post(`/tasks/${taskId}/claim`).expect(200);
    const assigned = await stack.as(supervisor).post(`/tasks/${taskId}/assign`).send({ assignee: staffB.sub }).expect(200);
    expect(assigned.body).toMatchObject({ assignee: staffB.sub, dueAt });
    const inbox = await stack.as(staffB).get('/tasks?mine=true').expect(200);
    expect(inbox.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([taskId]);
    expect((await stack.as(staffA).get('/tasks?mine=true').expect(200)).body.items).toEqual([]);
    expect((await stack.as(staffA).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(409)).body.error.code).toBe('TASK_CLAIMED');
    await stack.as(staffB).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);

    const row = await stack.db.prisma.taskAssignment.findFirstOrThrow({ where: { taskId, action: 'assigned' } });
    expect(row).toMatchObject({ actor: supervisor.sub, assignee: staffB.sub });
    // A completed task is no longer anyone's to take.
    expect((await stack.as(staffA).post(`/tasks/${taskId}/claim`).expect(409)).body.error.code).toBe('TASK_ALREADY_DONE');
  });

  it('when a named colleague holds a task and a supervisor gives it to someone the directory does not know, then the list and the history carry the known names and null for the unknown', async () => {
    const named: Identity = { ...staffA, name: 'Hanna Öberg' };
    const boss: Identity = { sub: `own-named-boss${people}`, name: 'Bo Chef', roles: ['staff', 'supervisor'], units: [unit], supervisedUnits: [unit] };
    const stranger = `own-never-signed-in${people}`;
    const { taskId } = await openAssessment();
    await stack.as(named).post(`/tasks/${taskId}/claim`).expect(200);
    const mine = await stack.as(named).get('/tasks?mine=true').expect(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ taskId, assignee: named.sub, assigneeName: 'Hanna Öberg' })]);

    await stack.as(boss).post(`/tasks/${taskId}/assign`).send({ assignee: stranger }).expect(200);
    const listed = await stack.as(boss).get('/tasks?limit=200').expect(200);
    expect(listed.body.items.find((t: { taskId: string }) => t.taskId === taskId)).toMatchObject({ assignee: stranger, assigneeName: null });
    // Shared by the unit again: no holder, so no name.
    await stack.as(boss).post(`/tasks/${taskId}/assign`).send({ assignee: named.sub }).expect(200);
    await stack.as(named).post(`/tasks/${taskId}/release`).expect(200);
    const shared = await stack.as(boss).get('/tasks?limit=200').expect(200);
    expect(shared.body.items.find((t: { taskId: string }) => t.taskId === taskId)).toMatchObject({ assignee: null, assigneeName: null });

    const history = await stack.as(boss).get(`/tasks/${taskId}/assignments`).expect(200);
    type Line = { action: string; actor: string; actorName: string | null; assignee: string | null; assigneeName: string | null };
    expect(history.body.items.map((l: Line) => [l.action, l.actor, l.actorName, l.assignee, l.assigneeName])).toEqual([
      ['claimed', named.sub, 'Hanna Öberg', named.sub, 'Hanna Öberg'],
      ['assigned', boss.sub, 'Bo Chef', stranger, null],
      ['assigned', boss.sub, 'Bo Chef', named.sub, 'Hanna Öberg'],
      ['released', named.sub, 'Hanna Öberg', null, null],
    ]);
  });

  it('when a supervisor moves a task to another unit, then that unit is emailed and escalated to, the deadline stays, and the old unit loses the case', async () => {
    // The deadline lapses a while after the move, so the first rung is raised after it.
    const { caseId, taskId, dueAt } = await openAssessment({ deadline: { kind: 'span', span: secs(20) }, escalation: [{ after: secs(0), target: 'unitSupervisor' }] });
    await stack.as(staffA).post(`/tasks/${taskId}/claim`).expect(200);
    await stack.as(staffA).get(`/cases/${caseId}`).expect(200);

    const moved = await stack
      .as(supervisor)
      .post(`/tasks/${taskId}/reassign`)
      .send({ unitCode: 'police-local', reason: 'Lisa is in a police matter; Hallunda skola asked the police to take it' })
      .expect(200);
    expect(moved.body).toMatchObject({ taskId, unitCode: 'police-local', status: 'open', dueAt });

    const row = await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId }, include: { unit: true } });
    expect(row).toMatchObject({ assignee: null, dueAt: new Date(dueAt) });
    expect(row.unit.code).toBe('police-local');

    // The new unit's inbox hears of it: a link, no personal data.
    const [mail] = await stack.smtp.waitFor((m) => m.to.includes('lpo-botkyrka@polisen.example') && m.subject.includes(caseId) && m.subject.includes(emailHeadline('reassigned')));
    expect(mail.text).not.toMatch(/Lisa|Ägarsson|Hallunda|20110312/);

    // The deadline lapses: the escalation goes to the new unit's supervisor, not the old one's.
    const escalation = await eventually('the escalation', () => stack.db.prisma.escalation.findFirst({ where: { taskId } }), 60_000);
    expect(escalation.recipientEmail).toBe('gruppchef.lpo-botkyrka@polisen.example');
    await stack.smtp.waitFor((m) => m.to.includes('gruppchef.lpo-botkyrka@polisen.example') && m.subject.includes(caseId), { timeoutMs: 60_000 });
    expect(stack.smtp.messages.filter((m) => m.subject.includes(caseId) && m.to.includes('arbetsledare.barn-unga@socialtjanst.botkyrka.example'))).toEqual([]);

    // The old unit had the case only through this task; the new one has it now and may take the task.
    await stack.as(staffA).get(`/cases/${caseId}`).expect(404);
    await stack.as(staffA).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(404);
    await stack.as(policeStaff).get(`/cases/${caseId}`).expect(200);
    await stack.as(policeStaff).post(`/tasks/${taskId}/claim`).expect(200);

    // The reason is kept, encrypted; the move is on record with both units.
    const history = await stack.db.prisma.taskAssignment.findFirstOrThrow({ where: { taskId, action: 'reassigned' } });
    expect(history).toMatchObject({ actor: supervisor.sub, fromUnit: unit, toUnit: 'police-local' });
    expect(history.reasonEnc).not.toContain('Lisa');
    // The new unit reads who held the task and why it came (the reason decrypted for it only).
    const moves = await stack.as(policeStaff).get(`/tasks/${taskId}/assignments`).expect(200);
    expect(moves.body.items.map((m: { action: string; actor: string; reason: string | null }) => [m.action, m.actor, m.reason])).toEqual([
      ['claimed', staffA.sub, null],
      ['reassigned', supervisor.sub, 'Lisa is in a police matter; Hallunda skola asked the police to take it'],
      ['claimed', policeStaff.sub, null],
    ]);
    expect(moves.body.items[1]).toMatchObject({ fromUnit: unit, toUnit: 'police-local', text: 'Flyttade uppgiften till en annan enhet' });
    await stack.as(staffA).get(`/tasks/${taskId}/assignments`).expect(404);
    const audit = await stack.db.prisma.auditEvent.findFirstOrThrow({ where: { taskId, action: 'task.reassign', phase: 'result' } });
    expect(audit).toMatchObject({ actor: supervisor.sub, status: 200, caseId });

    await stack.as(policeStaff).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await stack.env.client.workflow.getHandle(taskId).result();
    await recordHistory(stack.env.client, taskId, 'v4-taskWorkflow-reassigned');
  });

  it('when a move cannot be made, then the answer names why and the task stays', async () => {
    const { taskId } = await openAssessment();
    const move = (unitCode: string) => stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode, reason: 'wrong unit' });
    expect((await move('no-such-unit').expect(422)).body.error.code).toBe('UNIT_NOT_FOUND');
    expect((await move(unit).expect(422)).body.error.code).toBe('INVALID_REASSIGNMENT');
    await stack.db.prisma.unit.update({ where: { code: 'soc-addiction' }, data: { active: false } });
    try {
      expect((await move('soc-addiction').expect(422)).body.error.code).toBe('UNIT_INACTIVE');
    } finally {
      await stack.db.prisma.unit.update({ where: { code: 'soc-addiction' }, data: { active: true } });
    }
    await stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: 'soc-adults' }).expect(400);
    await stack.api.post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    expect((await move('soc-adults').expect(409)).body.error.code).toBe('TASK_ALREADY_DONE');
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId }, include: { unit: true } })).unit.code).toBe(unit);
  });
});
