import { emailHeadline } from '../../activities/email';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/workerProcess';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });

describe('a worker killed in the middle of a case', () => {
  let stack: Stack;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    stack = await startStack('restart', {
      worker: false,
      policy: fastYouthConcernPolicy('test-restart', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(4) },
          reminders: [{ atFraction: 0.5 }],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(2), target: 'unitHead' },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await stack.teardown();
  });

  it('when the worker is killed with SIGKILL and restarted, then timers that fell due meanwhile fire, the case completes and no email is sent twice', async () => {
    worker = await spawnWorker(stack, stack.smtp);
    const { body } = await stack.api.post('/cases').send({
      caseType: 'youth-concern',
      referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 16 } },
    }).expect(201);
    const caseId: string = body.caseId;
    // Generous: a freshly spawned worker process on a loaded machine can take a while to pick up work.
    await stack.smtp.waitFor((m) => m.subject.includes(caseId) && m.subject.includes(emailHeadline('assigned')), { timeoutMs: 30_000 });
    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { caseId } });
    await eventually('the assignment email to be recorded as sent', () =>
      stack.db.prisma.notification.findFirst({ where: { taskId: task.id, kind: 'assigned', status: 'sent' } }),
    );
    await eventually('the deadline timers to be running', async () =>
      (await stack.env.client.workflow.getHandle(task.id).fetchHistory()).events?.some((e) => e.timerStartedEventAttributes),
    );

    // Kill while the deadline's timers are pending; they lapse while no worker runs.
    await worker.kill('SIGKILL');
    await eventually('the deadline and the second escalation to pass with no worker', async () => Date.now() > task.dueAt.getTime() + 2_500);
    expect(await stack.db.prisma.escalation.count({ where: { caseId } })).toBe(0);

    worker = await spawnWorker(stack, stack.smtp);
    const mails = await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 4, timeoutMs: 30_000 });
    expect(mails.map((m) => m.subject.replace(/^.*\((.*)\)$/, '$1')).sort()).toEqual(
      [emailHeadline('escalation', 1), emailHeadline('escalation', 2), emailHeadline('assigned'), emailHeadline('reminder')].sort(),
    );

    for (const [stepKey, outcome] of [
      ['protectionAssessment', 'no-immediate-risk'],
      ['investigationDecision', 'no-investigation'],
    ]) {
      const open = await eventually(`open ${stepKey}`, () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey, status: 'open' } }));
      await stack.api.post(`/tasks/${open.id}/complete`).send({ outcome }).expect(200);
    }
    const result = await stack.env.client.workflow.getHandle(caseId).result();
    expect(result.status).toBe('closed');

    const all = stack.smtp.messages.filter((m) => m.subject.includes(caseId));
    const ids = all.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const notifications = await stack.db.prisma.notification.findMany({ where: { task: { caseId } } });
    expect(notifications.every((n) => n.status === 'sent')).toBe(true);
    expect(notifications).toHaveLength(all.length);
  });
});
