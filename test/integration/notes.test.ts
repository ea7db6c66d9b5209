import { createRetentionActivities } from '../../activities/retention';
import { systemClock } from '../../activities';
import { publishPolicy } from '../../prisma/seed';
import { decodedHistoryText } from '../support/historyText';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const unit = 'soc-children-youth';
const coordinator: Identity = { sub: 'notes-coordinator', roles: ['coordinator'] };
const staff: Identity = { sub: 'notes-staff', roles: ['staff'], units: [unit] };
const supervisor: Identity = { sub: 'notes-supervisor', roles: ['supervisor'], supervisedUnits: [unit] };
const adultsStaff: Identity = { sub: 'notes-adults', roles: ['staff'], units: ['soc-adults'] };
const police: Identity = { sub: 'notes-police', roles: ['staff'], units: ['police-local'] };

const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'violence', subject: { displayName: 'Ida Anteckning', ageYears: 13 } } };

describe('running notes on a case and on a task', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('notes');
    await publishPolicy(stack.db.prisma, fastYouthConcernPolicy('notes-1', { protectionAssessment: { deadline: { kind: 'span', span: { amount: 600, unit: 'seconds' } }, reminders: [] } }));
  });
  afterAll(async () => {
    await stack.teardown();
  });

  async function openTask() {
    const { body } = await stack.as(coordinator).post('/cases').send(referral).expect(201);
    const task = await eventually('the task opens', () => stack.db.prisma.task.findFirst({ where: { caseId: body.caseId, status: 'open' } }));
    return { caseId: body.caseId as string, taskId: task.id };
  }

  it('when a named colleague and someone the directory has no name for add notes, then the answers carry the known name and null for the other', async () => {
    const named: Identity = { sub: 'notes-named', name: 'Nora Nilsson', roles: ['staff'], units: [unit] };
    const { caseId, taskId } = await openTask();
    const added = await stack.as(named).post(`/tasks/${taskId}/notes`).send({ text: 'Spoke with the school.' }).expect(201);
    expect(added.body).toMatchObject({ author: named.sub, authorName: 'Nora Nilsson' });
    // A superuser token for an id that never carried a name.
    await stack.api.post(`/tasks/${taskId}/notes`).set('X-Actor-Id', 'notes-never-named').send({ text: 'Called back.' }).expect(201);
    await stack.as(coordinator).post(`/cases/${caseId}/notes`).send({ text: 'Case note.' }).expect(201);

    const taskNotes = await stack.as(staff).get(`/tasks/${taskId}/notes`).expect(200);
    expect(taskNotes.body.items.map((n: { author: string; authorName: string | null }) => [n.author, n.authorName])).toEqual([
      [named.sub, 'Nora Nilsson'],
      ['notes-never-named', null],
    ]);
    const caseNotes = await stack.as(named).get(`/cases/${caseId}/notes`).expect(200);
    expect(caseNotes.body.items).toEqual([expect.objectContaining({ author: coordinator.sub, authorName: null })]);
  });

  it('when people add notes to a case and a task, then readers see each with author and time, oldest first, and the text is encrypted at rest', async () => {
    const { caseId, taskId } = await openTask();
    await stack.as(coordinator).post(`/cases/${caseId}/notes`).send({ text: 'Ida’s mother called: Ida is staying with her aunt this week.' }).expect(201);
    await stack.as(staff).post(`/tasks/${taskId}/notes`).send({ text: 'Home visit booked for Thursday.' }).expect(201);
    const second = await stack.as(supervisor).post(`/tasks/${taskId}/notes`).send({ text: 'Take the school nurse along.' }).expect(201);
    expect(second.body).toMatchObject({ caseId, taskId, author: supervisor.sub, text: 'Take the school nurse along.' });

    const taskNotes = await stack.as(staff).get(`/tasks/${taskId}/notes`).expect(200);
    expect(taskNotes.body.items.map((n: { author: string; text: string }) => [n.author, n.text])).toEqual([
      [staff.sub, 'Home visit booked for Thursday.'],
      [supervisor.sub, 'Take the school nurse along.'],
    ]);
    // The case's notes are its own; the task's stay with the task.
    const caseNotes = await stack.as(staff).get(`/cases/${caseId}/notes`).expect(200);
    expect(caseNotes.body.items.map((n: { author: string; taskId: string | null }) => [n.author, n.taskId])).toEqual([[coordinator.sub, null]]);

    const rows = await stack.db.prisma.note.findMany({ where: { caseId } });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.textEnc).toMatch(/^[A-Za-z0-9_-]+:/);
    expect(rows.map((r) => r.textEnc).join('\n')).not.toMatch(/aunt|Home visit|nurse/);
    // Notes never leave by email.
    expect(stack.smtp.messages.map((m) => m.text).join('\n')).not.toMatch(/aunt|Home visit|nurse/);

    // A read of notes is audited with how many it returned, never their text.
    const audit = await stack.db.prisma.auditEvent.findMany({ where: { taskId, action: 'task.note.list' } });
    expect(audit.map((a) => [a.actor, a.status, a.detail])).toEqual([[staff.sub, 200, { returned: 2 }]]);
    expect(JSON.stringify(await stack.db.prisma.auditEvent.findMany({ where: { caseId } }))).not.toMatch(/aunt|Home visit|nurse/);
  });

  it("when someone outside the task's unit asks for its notes, then another agency and another unit of the same agency both get 404 (visibility is per unit)", async () => {
    const { caseId, taskId } = await openTask();
    await stack.as(staff).post(`/tasks/${taskId}/notes`).send({ text: 'Spoke with the class teacher.' }).expect(201);
    await stack.as(police).get(`/tasks/${taskId}/notes`).expect(404);
    await stack.as(police).get(`/cases/${caseId}/notes`).expect(404);
    await stack.as(police).post(`/tasks/${taskId}/notes`).send({ text: 'police note' }).expect(404);
    await stack.as(adultsStaff).get(`/tasks/${taskId}/notes`).expect(404);
    await stack.as(adultsStaff).get(`/cases/${caseId}/notes`).expect(404);
    await stack.as(adultsStaff).post(`/cases/${caseId}/notes`).send({ text: 'adults note' }).expect(404);
    expect(await stack.db.prisma.note.count({ where: { caseId } })).toBe(1);
  });

  it('when a task is completed with a note, then the note is a running note of the task and never reaches the workflow', async () => {
    const { taskId } = await openTask();
    await stack.as(staff).post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk', note: 'No risk found; Ida is safe at home.' }).expect(200);
    const notes = await stack.as(supervisor).get(`/tasks/${taskId}/notes`).expect(200);
    expect(notes.body.items).toEqual([expect.objectContaining({ author: staff.sub, text: 'No risk found; Ida is safe at home.' })]);
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).note).toBeNull();
    const history = await decodedHistoryText(await stack.env.client.workflow.getHandle(taskId).fetchHistory());
    expect(history).toContain('no-immediate-risk');
    expect(history).not.toContain('safe at home');
  });

  it('when retention pseudonymises a closed case, then its notes lose their text and keep who wrote when', async () => {
    const { caseId, taskId } = await openTask();
    await stack.as(staff).post(`/tasks/${taskId}/notes`).send({ text: 'Ida told us about her brother.' }).expect(201);
    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'completed' }).expect(200);
    const sweep = createRetentionActivities({ prisma: stack.db.prisma, clock: systemClock } as Parameters<typeof createRetentionActivities>[0]);
    await sweep.pseudonymiseExpiredCases({ retainAfter: 'PT0S', performedBy: 'notes-test', batchSize: 1000 });
    expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).pseudonymisedAt).not.toBeNull();
    const notes = await stack.as(staff).get(`/tasks/${taskId}/notes`).expect(200);
    expect(notes.body.items).toEqual([expect.objectContaining({ author: staff.sub, text: null })]);
  });
});
