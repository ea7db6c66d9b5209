import { roles } from '../../domain/auth';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import { freePort } from '../../dev/devServer';
import { spawnApi, spawnWorker, type WorkerProcess } from '../support/workerProcess';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const CASES = 12;

describe('scaled out: two workers and two API processes on one Temporal server', () => {
  let stack: Stack;
  const workers: WorkerProcess[] = [];
  const apis: Array<WorkerProcess & { url: string }> = [];

  beforeAll(async () => {
    stack = await startStack('scale', {
      worker: false,
      policy: fastYouthConcernPolicy('test-scale', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(12) },
          reminders: [],
          escalation: [{ after: secs(0), target: 'unitSupervisor' }],
        },
      }),
    });
    workers.push(await spawnWorker(stack, stack.smtp), await spawnWorker(stack, stack.smtp));
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      apis.push({ ...(await spawnApi(stack, port)), url: `http://127.0.0.1:${port}` });
    }
  });
  afterAll(async () => {
    // APIs stop gracefully, closing their keep-alive sockets; a reset one could surface as an error here.
    await Promise.all([...workers.map((w) => w.kill('SIGKILL')), ...apis.map((a) => a.kill('SIGTERM'))]);
    await stack.teardown();
  });

  it('when one worker is killed while deadlines are pending, then the other absorbs its cases and every escalation still fires', async () => {
    const token = stack.issuer.token({ sub: 'scale-test', roles: [...roles], units: stack.unitCodes, supervisedUnits: stack.unitCodes });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const caseIds: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const api = apis[i % apis.length];
      const res = await fetch(`${api.url}/cases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'violence', subject: { ageYears: 16 } } }),
      });
      expect(res.status).toBe(201);
      caseIds.push(((await res.json()) as { caseId: string }).caseId);
    }
    const tasks = await eventually('every protection task open with its assignment sent', async () => {
      const rows = await stack.db.prisma.task.findMany({ where: { caseId: { in: caseIds } }, include: { notifications: true } });
      return rows.length === CASES && rows.every((t) => t.notifications.some((n) => n.kind === 'assigned' && n.status === 'sent')) && rows;
    }, 60_000);

    // Both workers took part: worker identities are "<pid>@<host>" on the history events.
    const identities = new Set<string>();
    for (const t of tasks) {
      const history = await stack.env.client.workflow.getHandle(t.id).fetchHistory();
      for (const e of history.events ?? []) {
        const identity = e.activityTaskStartedEventAttributes?.identity ?? e.workflowTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity.split('@')[0]);
      }
    }
    const pids = workers.map((w) => String(w.child.pid));
    expect(pids.filter((pid) => identities.has(pid)).sort()).toEqual([...pids].sort());

    await workers[0].kill('SIGKILL');

    const escalations = await eventually('an escalation for every case', async () => {
      const rows = await stack.db.prisma.escalation.findMany({ where: { caseId: { in: caseIds } } });
      return rows.length === CASES && rows;
    }, 90_000);
    const lateness = escalations.map((e) => (e.raisedAt.getTime() - e.dueAt.getTime()) / 1000).sort((a, b) => a - b);
    console.log(`escalation lateness after killing one of two workers (s): min ${lateness[0]}, median ${lateness[CASES >> 1]}, max ${lateness[CASES - 1]}`);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    // Cases the dead worker held reach the survivor once their sticky queue times out (seconds).
    expect(lateness[CASES - 1]).toBeLessThan(30);

    // The surviving worker and both APIs carry the cases on to their next step.
    for (const [i, t] of tasks.entries()) {
      const res = await fetch(`${apis[i % apis.length].url}/tasks/${t.id}/complete`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ outcome: 'no-immediate-risk' }),
      });
      expect(res.status).toBe(200);
    }
    await eventually('every case on its next step', async () =>
      (await stack.db.prisma.task.count({ where: { caseId: { in: caseIds }, stepKey: 'investigationDecision' } })) === CASES,
    60_000);
  });
});
