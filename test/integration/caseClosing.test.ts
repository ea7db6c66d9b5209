import { emailHeadline } from '../../activities/email';
import { publishPolicy } from '../../prisma/seed';
import { giveConsent, taskIn } from '../support/cases';
import { fastSigPolicy, fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const coordinator: Identity = { sub: 'close-coordinator', roles: ['coordinator'] };
const inbox = 'barn-unga@socialtjanst.botkyrka.example';

const youthReferral = {
  caseType: 'youth-concern',
  referral: { sourceAgency: 'police', category: 'threat', subject: { displayName: 'Nils Stängdsson', ageYears: 14 }, narrative: 'Threatened a younger pupil.' },
};
const sigReferral = { caseType: 'social-intervention-group', referral: { sourceAgency: 'social-services', category: 'recruitment', subject: { ageYears: 19 } } };

describe('closing a case with a reason, and reopening it', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('closing');
    // Deadlines a minute away: nothing lapses while a test runs unless it means to.
    const slow = { deadline: { kind: 'span' as const, span: secs(60) }, reminders: [], escalation: [{ after: secs(0), target: 'unitSupervisor' as const }] };
    await publishPolicy(stack.db.prisma, fastYouthConcernPolicy('closing-1', { protectionAssessment: slow, investigationDecision: slow, investigation: slow }));
    await publishPolicy(stack.db.prisma, fastSigPolicy('closing-sig-1'));
  });
  afterAll(async () => {
    await stack.teardown();
  });

  async function openYouthCase() {
    const { body } = await stack.as(coordinator).post('/cases').send(youthReferral).expect(201);
    const task = await taskIn(stack, body.caseId, 'protectionAssessment', 'open');
    return { caseId: body.caseId as string, taskId: task.taskId };
  }

  it('when a coordinator closes a running case with a reason, then every running task ends as closed, its unit is told and its timers stop', async () => {
    const { caseId, taskId } = await openYouthCase();
    const closed = await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'moved-away' }).expect(200);
    expect(closed.body).toMatchObject({ caseId, status: 'closed', closeReason: 'moved-away', closeReasonText: 'Avslutat: personen har flyttat från kommunen', closedBy: coordinator.sub, tasksClosed: [taskId] });

    // The case workflow and the task's have ended: no timer of theirs remains to fire.
    expect(await stack.env.client.workflow.getHandle(caseId).result()).toMatchObject({ status: 'closed', closeReason: 'moved-away' });
    expect(await stack.env.client.workflow.getHandle(taskId).result()).toMatchObject({ outcome: 'closed', ended: 'closed' });
    const task = await stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(task).toMatchObject({ status: 'closed' });
    expect(await stack.db.prisma.escalation.count({ where: { taskId } })).toBe(0);
    const view = await stack.api.get(`/cases/${caseId}`).expect(200);
    expect(view.body).toMatchObject({ status: 'closed', closeReason: 'moved-away' });
    // The unit hears that the task closed (a link, no personal data).
    const [mail] = await stack.smtp.waitFor((m) => m.to.includes(inbox) && m.subject.includes(taskId.split('.')[0]) && m.subject.includes(emailHeadline('closed')));
    expect(mail.text).not.toMatch(/Nils|Stängdsson|younger pupil/);

    const event = await stack.db.prisma.caseEvent.findFirstOrThrow({ where: { caseId } });
    expect(event).toMatchObject({ action: 'closed', actor: coordinator.sub, reason: 'moved-away' });
    const audit = await stack.db.prisma.auditEvent.findFirstOrThrow({ where: { caseId, action: 'case.close', phase: 'result' } });
    expect(audit).toMatchObject({ actor: coordinator.sub, status: 200 });

    // Closing again: the case is not open.
    const again = await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'duplicate' }).expect(409);
    expect(again.body.error).toMatchObject({ code: 'CASE_NOT_OPEN', reason: 'closed' });
    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'bored' }).expect(400);
    await recordHistory(stack.env.client, caseId, 'v4-youthConcernCase-closed-by-coordinator');
  });

  it('when a SIG case still waiting for consent is closed, then its waiting tasks end as closed, not shared with anyone', async () => {
    const { body } = await stack.as(coordinator).post('/cases').send(sigReferral).expect(201);
    const plan = await taskIn(stack, body.caseId, 'actionPlan', 'waiting-for-consent');
    const police = await taskIn(stack, body.caseId, 'policeContribution', 'waiting-for-consent');
    const closed = await stack.as(coordinator).post(`/cases/${body.caseId}/close`).send({ reason: 'no-consent' }).expect(200);
    expect([...closed.body.tasksClosed].sort()).toEqual([plan.taskId, police.taskId].sort());
    const rows = await stack.db.prisma.task.findMany({ where: { caseId: body.caseId }, select: { status: true } });
    expect(rows.map((r) => r.status)).toEqual(['closed', 'closed']);
    expect(await stack.env.client.workflow.getHandle(body.caseId).result()).toMatchObject({ closeReason: 'no-consent' });
    await recordHistory(stack.env.client, body.caseId, 'v4-socialInterventionGroupCase-closed-waiting');
  });

  it('when a closed case is reopened from a step, then that step opens again with a deadline from the reopening, and the case runs on to its end', async () => {
    const { caseId, taskId } = await openYouthCase();
    await stack.api.post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await taskIn(stack, caseId, 'investigationDecision', 'open');
    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'referred-elsewhere' }).expect(200);

    const before = Date.now();
    const reopened = await stack
      .as(coordinator)
      .post(`/cases/${caseId}/reopen`)
      .send({ fromStep: 'investigationDecision', reason: 'Nils is back in Botkyrka; the other municipality returned the case' })
      .expect(201);
    expect(reopened.body).toMatchObject({ caseId, status: 'open', fromStep: 'investigationDecision', reopenCount: 1 });

    const decision = await taskIn(stack, caseId, 'investigationDecision', 'open', { taskId: `${caseId}.investigation-decision-r1` });
    // Its clock counts from the reopening, not from the referral's receipt.
    expect(Date.parse(decision.startedAt)).toBeGreaterThanOrEqual(before - 1000);
    const row = await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row).toMatchObject({ status: 'open', closedAt: null, closeReason: null, closedBy: null, reopenCount: 1 });
    // The earlier run's tasks keep their history.
    expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: `${caseId}.investigation-decision` } })).status).toBe('closed');
    const event = await stack.db.prisma.caseEvent.findFirstOrThrow({ where: { caseId, action: 'reopened' } });
    expect(event).toMatchObject({ actor: coordinator.sub, fromStep: 'investigationDecision' });
    expect(event.noteEnc).not.toContain('Botkyrka');
    const events = await stack.as(coordinator).get(`/cases/${caseId}/events`).expect(200);
    expect(events.body.items.map((e: { action: string; reason: string | null; fromStep: string | null; note: string | null }) => [e.action, e.reason, e.fromStep, e.note])).toEqual([
      ['closed', 'referred-elsewhere', null, null],
      ['reopened', null, 'investigationDecision', 'Nils is back in Botkyrka; the other municipality returned the case'],
    ]);
    expect(events.body.items[0].reasonText).toBe('Avslutat: hänvisat till annan aktör');

    // Reopening what is open is refused; the reopened run goes on as a first run would.
    expect((await stack.as(coordinator).post(`/cases/${caseId}/reopen`).send({ fromStep: 'investigation', reason: 'again' }).expect(422)).body.error).toMatchObject({
      code: 'CASE_NOT_REOPENABLE',
      reason: 'open',
    });
    await stack.api.post(`/tasks/${decision.taskId}/complete`).send({ outcome: 'no-investigation' }).expect(200);
    expect(await stack.env.client.workflow.getHandle(caseId).result()).toMatchObject({ status: 'closed', steps: [{ stepKey: 'investigationDecision', outcome: 'no-investigation' }] });
    await eventually('the case row closed again', async () => (await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status === 'closed');
    await recordHistory(stack.env.client, caseId, 'v4-youthConcernCase-reopened');
  });

  it('when a named coordinator closes a case and someone the directory has no name for reopens it, then its events carry the known name and null for the other', async () => {
    const named: Identity = { sub: 'close-named-coordinator', name: 'Karin Ek', roles: ['coordinator'] };
    const { caseId } = await openYouthCase();
    await stack.as(named).post(`/cases/${caseId}/close`).send({ reason: 'duplicate' }).expect(200);
    // A superuser token for an id that never carried a name.
    await stack.api.post(`/cases/${caseId}/reopen`).set('X-Actor-Id', 'close-never-named').send({ fromStep: 'protectionAssessment', reason: 'not a duplicate' }).expect(201);
    const events = await stack.as(named).get(`/cases/${caseId}/events`).expect(200);
    expect(events.body.items.map((e: { action: string; actor: string; actorName: string | null }) => [e.action, e.actor, e.actorName])).toEqual([
      ['closed', named.sub, 'Karin Ek'],
      ['reopened', 'close-never-named', null],
    ]);
  });

  it('when a reopening names a step the case type cannot start from, or comes after the policy period, then it is refused with the reason', async () => {
    const { caseId } = await openYouthCase();
    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'duplicate' }).expect(200);
    const reopen = (fromStep: string) => stack.as(coordinator).post(`/cases/${caseId}/reopen`).send({ fromStep, reason: 'not a duplicate after all' });
    expect((await reopen('lulNotification').expect(422)).body.error).toMatchObject({ code: 'CASE_NOT_REOPENABLE', reason: 'step' });
    // Closed seven months ago: past the default six.
    await stack.db.prisma.case.update({ where: { id: caseId }, data: { closedAt: new Date(Date.now() - 213 * 86_400_000) } });
    expect((await reopen('protectionAssessment').expect(422)).body.error).toMatchObject({ code: 'CASE_NOT_REOPENABLE', reason: 'period-passed' });
    expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).reopenCount).toBe(0);
  });

  it('when a SIG case is reopened at its action plan, then the consent it recorded still holds and the plan opens at once', async () => {
    const { body } = await stack.as(coordinator).post('/cases').send(sigReferral).expect(201);
    const caseId = body.caseId as string;
    await giveConsent(stack, caseId, { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' });
    await taskIn(stack, caseId, 'actionPlan', 'open');
    await stack.as(coordinator).post(`/cases/${caseId}/close`).send({ reason: 'declined' }).expect(200);
    const reopened = await stack.as(coordinator).post(`/cases/${caseId}/reopen`).send({ fromStep: 'actionPlan', reason: 'wants to take part after all' });
    expect(reopened.status).toBe(201);
    // Consent to social services is known to the new run: the plan opens at once, not waiting.
    await taskIn(stack, caseId, 'actionPlan', 'open', { taskId: `${caseId}.action-plan-r1` });
  });
});
