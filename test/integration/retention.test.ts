import { ensureRetentionSchedule } from '../../worker/retentionSchedule';
import { fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { eventually, startStack, type Stack } from '../support/stack';

const retainAfterSeconds = 3;

describe('retention of closed cases', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('retention', { policy: fastYouthConcernPolicy('test-retention') });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  const startCase = async (personalIdentityNumber: string) =>
    (
      await stack.api
        .post('/cases')
        .send({
          caseType: 'youth-concern',
          referral: {
            sourceAgency: 'police',
            category: 'threat',
            subject: { displayName: 'Retention Testperson', personalIdentityNumber, ageYears: 16 },
            narrative: 'A narrative that retention must remove.',
          },
        })
        .expect(201)
    ).body as { caseId: string; linkedCaseId: string | null };

  it('when a closed case passes its retention period, then the scheduled sweep pseudonymises it, records that, and keeps the trail; open cases are untouched', async () => {
    const closing = await startCase('20110312-2386');
    const open = await startCase('20090505-4573');
    for (const [stepKey, outcome] of [
      ['protectionAssessment', 'no-immediate-risk'],
      ['investigationDecision', 'no-investigation'],
    ]) {
      const task = await eventually(`open ${stepKey}`, () =>
        stack.db.prisma.task.findFirst({ where: { caseId: closing.caseId, stepKey, status: 'open' } }), 60_000);
      await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome }).expect(200);
    }
    const closed = await eventually('the case to close', () =>
      stack.db.prisma.case.findFirst({ where: { id: closing.caseId, status: 'closed' } }), 60_000);
    const trailBefore = await trailOf(closing.caseId);
    expect(trailBefore.tasks).toBe(2);

    const scheduleId = await ensureRetentionSchedule(stack.env.client, {
      taskQueue: stack.taskQueue,
      retainAfter: `PT${retainAfterSeconds}S`,
      everyMs: 2_000,
    });
    // Idempotent: the worker calls it at every start.
    await ensureRetentionSchedule(stack.env.client, { taskQueue: stack.taskQueue, retainAfter: `PT${retainAfterSeconds}S`, everyMs: 2_000 });

    const action = await eventually('the retention action to be recorded', () =>
      stack.db.prisma.retentionAction.findFirst({ where: { caseId: closing.caseId } }), 90_000);
    expect(action).toMatchObject({ action: 'pseudonymised', retainAfter: `PT${retainAfterSeconds}S` });
    expect(action.performedBy).toMatch(/^retention:retention-sweep-/);
    expect(action.performedAt.getTime() - closed.closedAt!.getTime()).toBeGreaterThanOrEqual(retainAfterSeconds * 1000);

    // The personal data is gone; the case and its whole trail stay.
    const subject = await stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId: closing.caseId } });
    expect(subject).toMatchObject({ displayNameEnc: null, personalIdentityNumberEnc: null, personalIdentityNumberHash: null, narrativeEnc: null, ageYears: 16 });
    expect(await trailOf(closing.caseId)).toEqual(trailBefore);
    const view = (await stack.api.get(`/cases/${closing.caseId}`).expect(200)).body;
    expect(view).toMatchObject({ status: 'closed', pseudonymisedAt: action.performedAt.toISOString() });
    expect(view.tasks).toHaveLength(2);

    // The open case keeps its data, and later sweeps do not act twice.
    const openSubject = await stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId: open.caseId } });
    expect(openSubject.personalIdentityNumberEnc).not.toBeNull();
    expect(openSubject.personalIdentityNumberHash).not.toBeNull();
    const schedule = stack.env.client.schedule.getHandle(scheduleId);
    await eventually('a later scheduled sweep', async () => (await schedule.describe()).info.recentActions.length >= 2, 60_000);
    expect(await stack.db.prisma.retentionAction.count()).toBe(1);

    // With the lookup hash gone, a new referral for the same person starts unlinked.
    expect((await startCase('201103122386')).linkedCaseId).toBeNull();

    const runs = (await schedule.describe()).info.recentActions;
    const runId = runs[0].action.workflow.workflowId;
    await stack.env.client.workflow.getHandle(runId).result();
    await recordHistory(stack.env.client, runId, 'v1-retentionSweep');
    await schedule.delete();
  });

  async function trailOf(caseId: string) {
    const { prisma } = stack.db;
    return {
      case: await prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true, closedAt: true, policyVersion: true } }),
      tasks: await prisma.task.count({ where: { caseId } }),
      notifications: await prisma.notification.count({ where: { task: { caseId } } }),
      escalations: await prisma.escalation.count({ where: { caseId } }),
      extensions: await prisma.deadlineExtension.count({ where: { task: { caseId } } }),
    };
  }
});
