import { emailHeadline } from '../../activities/email';
import { publishPolicy } from '../../prisma/seed';
import { fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { eventually, startStack, type Stack } from '../support/stack';

const inbox = 'barn-unga@socialtjanst.botkyrka.example';
const supervisor = 'arbetsledare.barn-unga@socialtjanst.botkyrka.example';
const head = 'enhetschef.barn-unga@socialtjanst.botkyrka.example';

const referral = {
  caseType: 'youth-concern',
  referral: { sourceAgency: 'school', category: 'violence', subject: { ageYears: 14 } },
};

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });

async function startCase(stack: Stack) {
  const { body } = await stack.api.post('/cases').send(referral).expect(201);
  const task = await eventually('protection-assessment task', () =>
    stack.db.prisma.task.findFirst({ where: { caseId: body.caseId, stepKey: 'protectionAssessment' } }),
  );
  return { caseId: body.caseId as string, task };
}

describe('task deadlines: reminders, escalations and extensions', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('deadlines');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a deadline lapses, then the reminder, the supervisor escalation and the head escalation arrive in order, and the task stays open', async () => {
    await publishPolicy(
      stack.db.prisma,
      fastYouthConcernPolicy('test-escalate', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(6) }, // 3 s between the reminder and the due time: a loaded CI machine delays timers by a second or more
          reminders: [{ atFraction: 0.5 }],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(2), target: 'unitHead' },
          ],
        },
      }),
    );
    const { caseId, task } = await startCase(stack);
    const mails = await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 4, timeoutMs: 30_000 });
    mails.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());

    expect(mails.map((m) => [m.to[0], m.subject.replace(/^.*\((.*)\)$/, '$1')])).toEqual([
      [inbox, emailHeadline('assigned')],
      [inbox, emailHeadline('reminder')],
      [supervisor, emailHeadline('escalation', 1)],
      [head, emailHeadline('escalation', 2)],
    ]);
    const due = task.dueAt.getTime();
    expect(mails[1].receivedAt.getTime()).toBeLessThan(due);
    expect(mails[2].receivedAt.getTime()).toBeGreaterThanOrEqual(due);
    expect(mails[3].receivedAt.getTime()).toBeGreaterThanOrEqual(due + 2_000);

    const escalations = await stack.db.prisma.escalation.findMany({ where: { caseId }, orderBy: { level: 'asc' } });
    expect(escalations.map((e) => [e.level, e.target, e.status])).toEqual([
      [1, 'unitSupervisor', 'open'],
      [2, 'unitHead', 'open'],
    ]);
    const stillOpen = await stack.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(stillOpen.status).toBe('open');

    // A supervisor sees and acknowledges; a second acknowledgement is a conflict.
    const listed = await stack.api.get('/escalations?unit=soc-children-youth').expect(200);
    expect(listed.body.items.filter((e: { caseId: string }) => e.caseId === caseId)).toHaveLength(2);
    const ack = await stack.api
      .post(`/escalations/${escalations[0].id}/acknowledge`)
      .set('X-Actor-Id', 'arbetsledare-1')
      .send({ note: 'Called the unit; assessment under way.' })
      .expect(200);
    expect(ack.body).toMatchObject({ id: escalations[0].id, status: 'acknowledged' });
    const again = await stack.api.post(`/escalations/${escalations[0].id}/acknowledge`).send({}).expect(409);
    expect(again.body.error.code).toBe('ESCALATION_ALREADY_ACKNOWLEDGED');

    // Completing the late task resolves what is still open; nothing is deleted.
    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const after = await stack.db.prisma.escalation.findMany({ where: { caseId }, orderBy: { level: 'asc' } });
    expect(after.map((e) => [e.status, e.acknowledgedBy])).toEqual([
      ['acknowledged', 'arbetsledare-1'],
      ['resolved', null],
    ]);
    await stack.env.client.workflow.getHandle(task.id).result();
    await recordHistory(stack.env.client, task.id, 'v5-taskWorkflow-outbox-escalated-acknowledged');
  });

  it('when a supervisor extends the deadline, then the due time is re-dated, the reason kept, and the pending escalation cancelled', async () => {
    await publishPolicy(
      stack.db.prisma,
      fastYouthConcernPolicy('test-extend', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(5) },
          reminders: [],
          escalation: [{ after: secs(0), target: 'unitSupervisor' }],
        },
      }),
    );
    const { caseId, task } = await startCase(stack);
    const originalDue = task.dueAt.toISOString();

    const tooEarly = await stack.api
      .post(`/tasks/${task.id}/extend`)
      .send({ newDueAt: new Date(task.dueAt.getTime() - 1000).toISOString(), justification: 'Needs more time for records.' })
      .expect(422);
    expect(tooEarly.body.error.code).toBe('INVALID_EXTENSION');
    const noReason = await stack.api.post(`/tasks/${task.id}/extend`).send({ newDueAt: new Date(Date.now() + 60_000).toISOString() }).expect(400);
    expect(noReason.body.error.fields.map((f: { field: string }) => f.field)).toContain('justification');

    // Extend only once the original deadline's timer is running, so the extension must cancel it.
    const taskHandle = stack.env.client.workflow.getHandle(task.id);
    await eventually('the deadline timer to start', async () =>
      (await taskHandle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes),
    );
    const newDue = new Date(task.dueAt.getTime() + 4_000).toISOString();
    const justification = 'School records arrive Monday; decision by head of unit.';
    const extended = await stack.api
      .post(`/tasks/${task.id}/extend`)
      .set('X-Actor-Id', 'arbetsledare-1')
      .send({ newDueAt: newDue, justification })
      .expect(200);
    expect(extended.body).toMatchObject({
      dueAt: newDue,
      originalDueAt: originalDue,
      extensions: [{ sequence: 1, previousDueAt: originalDue, newDueAt: newDue, justification, extendedBy: 'arbetsledare-1' }],
    });

    // The only escalation is for the new due time: the one pending for the old time never fired.
    await stack.smtp.waitFor((m) => m.subject.includes(caseId) && m.to.includes(supervisor), { timeoutMs: 30_000 });
    const escalations = await stack.db.prisma.escalation.findMany({ where: { caseId } });
    expect(escalations).toHaveLength(1);
    expect(escalations[0].dueAt.toISOString()).toBe(newDue);
    expect(escalations[0].raisedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(newDue));

    const history = await taskHandle.fetchHistory();
    expect(history.events?.some((e) => e.timerCanceledEventAttributes)).toBe(true);

    const kase = await stack.api.get(`/cases/${caseId}`).expect(200);
    expect(kase.body.tasks[0]).toMatchObject({ dueAt: newDue, originalDueAt: originalDue });
    expect(kase.body.tasks[0].extensions[0]).toMatchObject({ previousDueAt: originalDue, newDueAt: newDue, justification });

    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await taskHandle.result();
    await recordHistory(stack.env.client, task.id, 'v5-taskWorkflow-outbox-extended');
  });

  it('when a task is left open and each escalation is acknowledged, then it keeps escalating at the policy interval, three rounds and more, and reports show how long it has been overdue (finding 6)', async () => {
    const interval = 2;
    await publishPolicy(
      stack.db.prisma,
      fastYouthConcernPolicy('test-repeat', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(1) },
          reminders: [],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(1), target: 'unitHead' },
          ],
          repeatEscalationEvery: secs(interval),
        },
      }),
    );
    const { caseId, task } = await startCase(stack);
    const raised: Array<{ id: string; level: number; target: string; raisedAt: Date }> = [];
    // Three rounds after the ladder's last rung: seen, acknowledged, and back at the interval while the task stays open.
    for (let level = 1; level <= 5; level++) {
      const escalation = await eventually(`escalation level ${level}`, () => stack.db.prisma.escalation.findFirst({ where: { taskId: task.id, level } }), 30_000);
      raised.push(escalation);
      // Its email is started once the task holds the escalation (the row is written a moment before).
      await eventually(`the email of level ${level}`, () => stack.db.prisma.notification.findUnique({ where: { idempotencyKey: `${escalation.id}:notify` } }), 30_000);
      await stack.api.post(`/escalations/${escalation.id}/acknowledge`).set('X-Actor-Id', 'arbetsledare-1').send({ note: 'seen' }).expect(200);
    }
    expect(raised.map((e) => [e.level, e.target])).toEqual([
      [1, 'unitSupervisor'],
      [2, 'unitHead'],
      [3, 'unitHead'],
      [4, 'unitHead'],
      [5, 'unitHead'],
    ]);
    for (let i = 2; i < raised.length; i++) {
      expect(raised[i].raisedAt.getTime() - raised[i - 1].raisedAt.getTime()).toBeGreaterThanOrEqual(interval * 1000 - 50);
    }
    const heads = await stack.smtp.waitFor((m) => m.to.includes(head) && m.subject.includes(caseId), { count: 4 });
    expect(heads.map((m) => m.subject.replace(/^.*\((.*)\)$/, '$1')).sort()).toEqual([2, 3, 4, 5].map((l) => emailHeadline('escalation', l)));
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('open');

    const report = await stack.api.get('/reports/tasks?unit=soc-children-youth').expect(200);
    const overdue = (report.body.overdueTasks as Array<{ taskId: string; overdueSeconds: number }>).find((t) => t.taskId === task.id);
    expect(overdue?.overdueSeconds).toBeGreaterThanOrEqual(3 * interval);
    const view = await stack.api.get(`/cases/${caseId}`).expect(200);
    expect(view.body.tasks[0].overdueSeconds).toBeGreaterThanOrEqual(3 * interval);

    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await stack.env.client.workflow.getHandle(task.id).result();
    const after = await stack.db.prisma.escalation.count({ where: { taskId: task.id } });
    expect(after).toBeLessThanOrEqual(6);
    await recordHistory(stack.env.client, task.id, 'v5-taskWorkflow-outbox-acknowledged-keeps-escalating');
  });

  it('when a new policy version is published, then a running case keeps its version and new cases get the new one', async () => {
    const slow = { deadline: { kind: 'span' as const, span: secs(600) } };
    await publishPolicy(stack.db.prisma, fastYouthConcernPolicy('test-pin-a', { protectionAssessment: slow }));
    const first = await startCase(stack);
    await publishPolicy(
      stack.db.prisma,
      fastYouthConcernPolicy('test-pin-b', { protectionAssessment: { deadline: { kind: 'span', span: secs(900) } } }),
    );
    const second = await startCase(stack);

    const a = await stack.api.get(`/cases/${first.caseId}`).expect(200);
    const b = await stack.api.get(`/cases/${second.caseId}`).expect(200);
    expect([a.body.policyVersion, b.body.policyVersion]).toEqual(['test-pin-a', 'test-pin-b']);
    const windowOf = (t: { startedAt: Date; dueAt: Date }) => (t.dueAt.getTime() - t.startedAt.getTime()) / 1000;
    expect([windowOf(first.task), windowOf(second.task)]).toEqual([600, 900]);
  });
});
