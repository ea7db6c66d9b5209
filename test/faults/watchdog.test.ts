import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WatchdogKind } from '../../domain/watchdog';
import type { PolicyDocument } from '../../domain/policy';
import { publishPolicy } from '../../prisma/seed';
import { createMetricsRegistry, serveMetrics } from '../../config/metrics';
import { workerReadiness } from '../../worker/readiness';
import { ensureWatchdogSchedule } from '../../worker/watchdogSchedule';
import { fastStep, fastYouthConcernPolicy } from '../support/policies';
import { recordHistory } from '../support/recordHistory';
import { eventually, startStack, testTemporalCli, type Stack } from '../support/stack';
import { startWatchdogWorker, type WatchdogWorker } from '../support/watchdogWorker';

const run = promisify(execFile);
const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const hours = (amount: number) => ({ amount, unit: 'hours' as const });
// Deadlines far away, so nothing but the injected fault makes a finding.
const slow = { deadline: { kind: 'span' as const, span: hours(2) }, reminders: [] };

// The sweep's limits in seconds, as the tests' Schedule carries them.
const sweepEveryMs = 2_000;
const startingAfterMs = 3_000;
const unacknowledgedAfterMs = 4_000;

let policySeq = 0;
/** A youth-concern policy of the test's own, published now, so the next case started uses it. */
async function publishOwnPolicy(stack: Stack, steps: Partial<Record<string, object>> = {}, extra: PolicyDocument['steps'] = {}): Promise<PolicyDocument> {
  const base = fastYouthConcernPolicy(`test-watchdog-${++policySeq}`, { protectionAssessment: slow, investigationDecision: slow, investigation: slow, ...steps });
  const policy = { ...base, steps: { ...base.steps, ...extra } };
  await publishPolicy(stack.db.prisma, policy, new Date());
  return policy;
}

async function startCase(stack: Stack): Promise<string> {
  const { body } = await stack.api
    .post('/cases')
    .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'drug-possession', subject: { ageYears: 15, displayName: 'Wilma Vakthund' } } })
    .expect(201);
  return body.caseId as string;
}

describe('the watchdog on the real stack', () => {
  let stack: Stack;
  let watchdogWorker: WatchdogWorker;

  beforeAll(async () => {
    stack = await startStack('watchdog');
    // The sweep runs on its own queue, so a test can stop the cases' worker and still be watched.
    watchdogWorker = await startWatchdogWorker(stack);
    const taskQueue = watchdogWorker.taskQueue;
    await ensureWatchdogSchedule(stack.env.client, {
      taskQueue,
      everyMs: sweepEveryMs,
      startingAfterMs,
      unacknowledgedAfterMs,
      escalationGraceMs: 1_000,
      operationsUnitCode: 'operations',
      pageSize: 50,
    });
  });
  afterAll(async () => {
    await stack.env.client.schedule.getHandle(`watchdog-${stack.taskQueue}-watchdog`).delete().catch(() => undefined);
    await watchdogWorker.stop();
    await stack.teardown();
  });

  /** The first sweep that started after `from` and finished: it must have seen whatever held at `from`. */
  const sweepAfter = (from: Date) =>
    eventually(
      'a watchdog sweep started after the fault',
      () => stack.db.prisma.watchdogRun.findFirst({ where: { startedAt: { gt: from } }, orderBy: { startedAt: 'asc' } }),
      90_000,
    );
  const openFindings = () => stack.db.prisma.watchdogFinding.findMany({ where: { resolvedAt: null } });

  /** Exactly one finding, of `kind`, open after the first sweep that follows `from`. */
  async function expectOneFinding(from: Date, kind: WatchdogKind) {
    const sweep = await sweepAfter(from);
    const open = await openFindings();
    expect(open.map((f) => f.kind)).toEqual([kind]);
    expect(open[0].lastSeenRunId).toBe(sweep.id);
    return open[0];
  }

  /** The finding is resolved by the first sweep that follows `from`, and nothing else is open. */
  async function expectResolved(from: Date, findingId: string) {
    await sweepAfter(from);
    const finding = await stack.db.prisma.watchdogFinding.findUniqueOrThrow({ where: { id: findingId } });
    expect(finding.resolvedAt).not.toBeNull();
    expect(finding.openKey).toBeNull();
    expect(await openFindings()).toEqual([]);
  }

  const temporal = (...args: string[]) =>
    run(testTemporalCli(), ['workflow', ...args, '--address', stack.env.address, '--namespace', stack.env.namespace ?? 'default']);

  it('when a task workflow is terminated with `temporal workflow terminate`, then one sweep finds it, the operations unit is mailed without personal data, and a reset resolves it', async () => {
    await publishOwnPolicy(stack, {}, { acuteThreatAssessment: fastStep({ title: 'Threat assessment', unitCode: 'police-safety', outcomes: ['assessed'], ...slow }) });
    const caseId = await startCase(stack);
    await eventually('the case open', () => stack.db.prisma.case.findFirst({ where: { id: caseId, status: 'open' } }));
    const raised = await stack.api.post(`/cases/${caseId}/acute-threats`).send({ reason: 'hot i trapphuset' }).expect(201);
    const taskId: string = raised.body.taskId;
    await eventually('the threat task open', () => stack.db.prisma.task.findFirst({ where: { id: taskId, status: 'open' } }));

    await temporal('terminate', '--workflow-id', taskId, '--reason', 'watchdog fault test');
    const finding = await expectOneFinding(new Date(), 'task-workflow-not-running');
    expect(finding).toMatchObject({ caseId, taskId, subject: taskId, detail: 'task workflow TERMINATED' });
    const sweep = await stack.db.prisma.watchdogRun.findUniqueOrThrow({ where: { id: finding.lastSeenRunId } });
    await stack.env.client.workflow.getHandle(sweep.workflowId).result();
    await recordHistory(stack.env.client, sweep.workflowId, 'v1-watchdogSweep-finding');

    const [mail] = await stack.smtp.waitFor((m) => m.to.includes('drift@vpc.botkyrka.example') && m.subject.includes(caseId), { timeoutMs: 30_000 });
    expect(mail.text).toContain('task-workflow-not-running');
    expect(mail.text).toContain(taskId);
    expect(mail.text).not.toContain('Wilma');
    expect(mail.text).not.toContain('hot i trapphuset');

    await temporal('reset', '--workflow-id', taskId, '--type', 'LastWorkflowTask', '--reason', 'watchdog repair');
    await expectResolved(new Date(), finding.id);
  });

  it('when a case workflow fails, then one sweep finds it, and fixing the cause and resetting the workflow resolves it', async () => {
    // The first step names a unit missing from the registry: opening its task fails, and with it the case.
    await publishOwnPolicy(stack, { protectionAssessment: { ...slow, unitCode: 'watchdog-missing-unit' } });
    const caseId = await startCase(stack);
    const failed = await eventually('the case workflow to fail', async () => {
      const { status } = await stack.env.client.workflow.getHandle(caseId).describe();
      return status.name === 'FAILED';
    });
    expect(failed).toBe(true);
    const finding = await expectOneFinding(new Date(), 'case-workflow-not-running');
    expect(finding).toMatchObject({ caseId, taskId: null, detail: 'case workflow FAILED' });
    // About a whole case: the coordinators', not any unit's supervisors'.
    const supervisor = await stack.as({ sub: 'sup-children', roles: ['supervisor'], supervisedUnits: ['soc-children-youth'] }).get('/watchdog/findings').expect(200);
    expect(supervisor.body.items).toEqual([]);
    const coordinator = await stack.as({ sub: 'coord', roles: ['coordinator'] }).get('/watchdog/findings').expect(200);
    expect(coordinator.body.items).toEqual([expect.objectContaining({ findingId: finding.id, caseId, unit: null })]);

    const vpc = await stack.db.prisma.agency.findUniqueOrThrow({ where: { code: 'vpc' } });
    await stack.db.prisma.unit.create({
      data: { code: 'watchdog-missing-unit', agencyId: vpc.id, name: 'Added by the repair', notificationEmail: 'ny@vpc.example', supervisorEmail: 'al@vpc.example', headEmail: 'ch@vpc.example' },
    });
    await temporal('reset', '--workflow-id', caseId, '--type', 'FirstWorkflowTask', '--reason', 'watchdog repair');
    await eventually('the task open after the reset', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }), 60_000);
    await expectResolved(new Date(), finding.id);
  });

  it("when a unit's supervisor address is removed, then one sweep finds the unit unreachable, and restoring it resolves it", async () => {
    await publishOwnPolicy(stack, { protectionAssessment: { ...slow, unitCode: 'soc-addiction' } });
    const caseId = await startCase(stack);
    await eventually('the task open', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }));
    const unit = await stack.db.prisma.unit.findUniqueOrThrow({ where: { code: 'soc-addiction' } });

    await stack.db.prisma.unit.update({ where: { id: unit.id }, data: { supervisorEmail: '' } });
    const finding = await expectOneFinding(new Date(), 'unit-unreachable');
    expect(finding).toMatchObject({ subject: 'soc-addiction', unitId: unit.id, caseId: null, detail: 'no supervisor address' });

    // Its unit's supervisors see it; another unit's do not; coordinators see every finding.
    const own = await stack.as({ sub: 'sup-addiction', roles: ['supervisor'], supervisedUnits: ['soc-addiction'] }).get('/watchdog/findings').expect(200);
    expect(own.body.items).toEqual([expect.objectContaining({ findingId: finding.id, kind: 'unit-unreachable', unit: 'soc-addiction', status: 'open' })]);
    const other = await stack.as({ sub: 'sup-police', roles: ['supervisor'], supervisedUnits: ['police-local'] }).get('/watchdog/findings').expect(200);
    expect(other.body.items).toEqual([]);
    const all = await stack.as({ sub: 'coord', roles: ['coordinator'] }).get('/watchdog/findings?kind=unit-unreachable').expect(200);
    expect(all.body.items.map((f: { findingId: string }) => f.findingId)).toEqual([finding.id]);

    await stack.db.prisma.unit.update({ where: { id: unit.id }, data: { supervisorEmail: unit.supervisorEmail } });
    await expectResolved(new Date(), finding.id);
  });

  it("when the SMTP server refuses one unit's address, then one sweep finds the unit's mail failing, and accepting it again resolves it", async () => {
    await publishOwnPolicy(stack, { protectionAssessment: { ...slow, unitCode: 'housing-allocation' } });
    const unit = await stack.db.prisma.unit.findUniqueOrThrow({ where: { code: 'housing-allocation' } });
    stack.smtp.refuseRecipients([unit.notificationEmail]);
    const caseId = await startCase(stack);
    const notification = await eventually(
      'the assignment email listed as failing',
      () => stack.db.prisma.notification.findFirst({ where: { task: { caseId }, kind: 'assigned', status: 'failing' } }),
      60_000,
    );

    const finding = await expectOneFinding(new Date(), 'unit-mail-failing');
    expect(finding).toMatchObject({ subject: 'housing-allocation', unitId: unit.id });
    expect(finding.detail).toMatch(/failing to the inbox address/);
    expect(finding.detail).not.toContain('@');

    stack.smtp.refuseRecipients([]);
    await eventually('the email sent once the server takes it', () => stack.db.prisma.notification.findFirst({ where: { id: notification.id, status: 'sent' } }), 120_000);
    await expectResolved(new Date(), finding.id);
  });

  it('when a case stays `starting` because no worker runs, then one sweep finds it, and a worker starting resolves it', async () => {
    await publishOwnPolicy(stack);
    await stack.stopWorker();
    let caseId: string;
    let findingId: string;
    try {
      caseId = await startCase(stack);
      expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('starting');
      await new Promise((r) => setTimeout(r, startingAfterMs + 500));
      const finding = await expectOneFinding(new Date(), 'case-stuck-starting');
      expect(finding).toMatchObject({ caseId, subject: caseId });
      findingId = finding.id;
    } finally {
      await stack.startWorker();
    }
    await eventually('the case open', () => stack.db.prisma.case.findFirst({ where: { id: caseId, status: 'open' } }), 60_000);
    await expectResolved(new Date(), findingId);
  });

  it('when an escalation is left unacknowledged past the limit, then one sweep finds it, and acknowledging it resolves it', async () => {
    await publishOwnPolicy(stack, {
      protectionAssessment: { deadline: { kind: 'span', span: secs(1) }, reminders: [], escalation: [{ after: secs(0), target: 'unitSupervisor' }] },
    });
    const caseId = await startCase(stack);
    const escalation = await eventually('the escalation', () => stack.db.prisma.escalation.findFirst({ where: { caseId, status: 'open' } }), 60_000);
    await new Promise((r) => setTimeout(r, Math.max(0, escalation.raisedAt.getTime() + unacknowledgedAfterMs + 500 - Date.now())));

    const finding = await expectOneFinding(new Date(), 'escalation-unacknowledged');
    expect(finding).toMatchObject({ caseId, taskId: escalation.taskId, escalationId: escalation.id, subject: escalation.id });

    await stack.api.post(`/escalations/${escalation.id}/acknowledge`).send({ note: 'seen' }).expect(200);
    await expectResolved(new Date(), finding.id);
  });

  it('when no worker runs through a deadline, then one sweep finds the escalation missing, and a worker escalating resolves it', async () => {
    await publishOwnPolicy(stack, {
      protectionAssessment: { deadline: { kind: 'span', span: secs(3) }, reminders: [], escalation: [{ after: secs(1), target: 'unitSupervisor' }] },
    });
    const caseId = await startCase(stack);
    const task = await eventually('the task open', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }));
    await stack.stopWorker();
    let finding;
    try {
      // Due, plus the first rung (1 s), plus the sweep's grace (1 s), with no one to escalate.
      await new Promise((r) => setTimeout(r, Math.max(0, task.dueAt.getTime() + 2_500 - Date.now())));
      expect(await stack.db.prisma.escalation.count({ where: { taskId: task.id } })).toBe(0);
      finding = await expectOneFinding(new Date(), 'escalation-missing');
      expect(finding).toMatchObject({ caseId, taskId: task.id, subject: task.id });
    } finally {
      await stack.startWorker();
    }
    const escalation = await eventually('the escalation, late', () => stack.db.prisma.escalation.findFirst({ where: { taskId: task.id } }), 60_000);
    // Acknowledged at once, so it does not become the next finding (unacknowledged past 4 s).
    await stack.api.post(`/escalations/${escalation.id}/acknowledge`).send({ note: 'late, seen' }).expect(200);
    await expectResolved(new Date(), finding.id);
  });

  it("when an open case's workflow is terminated, then a sweep finds the case and its task, an admin's restart resumes both from their history, the findings resolve, and the case goes on", async () => {
    await publishOwnPolicy(stack);
    const caseId = await startCase(stack);
    const task = await eventually('the first task open', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }));

    // Terminating the case takes its running task with it (the children's parent-close policy).
    await temporal('terminate', '--workflow-id', caseId, '--reason', 'watchdog fault test');
    await eventually('the task workflow terminated too', async () => (await stack.env.client.workflow.getHandle(task.id).describe()).status.name === 'TERMINATED');
    await sweepAfter(new Date());
    const found = await openFindings();
    expect(found.map((f) => [f.kind, f.subject]).sort()).toEqual([
      ['case-workflow-not-running', caseId],
      ['task-workflow-not-running', task.id],
    ]);

    const admin = stack.as({ sub: 'admin-1', roles: ['admin'] });
    const restarted = await admin.post(`/cases/${caseId}/restart`).expect(200);
    expect(restarted.body).toEqual({
      caseId,
      restarted: [
        { workflowId: caseId, kind: 'case', from: 'history' },
        { workflowId: task.id, kind: 'task', from: 'history' },
      ],
    });
    const again = await admin.post(`/cases/${caseId}/restart`).expect(409);
    expect(again.body.error.code).toBe('CASE_WORKFLOW_RUNNING');
    const audited = await stack.db.prisma.auditEvent.findMany({ where: { action: 'case.restart', caseId, status: 200 } });
    expect(audited).toHaveLength(1);
    expect(audited[0].actor).toBe('admin-1');

    const from = new Date();
    await sweepAfter(from);
    expect(await openFindings()).toEqual([]);

    // The resumed case hears its resumed task complete, and opens the next step.
    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await eventually('the next step open', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'investigationDecision', status: 'open' } }), 60_000);
  });

  /** A new case whose first step's task workflow is terminated: the case, awaiting the task, fails with it. */
  async function caseFailedWithItsTask() {
    await publishOwnPolicy(stack);
    const caseId = await startCase(stack);
    const task = await eventually('the protection assessment open', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'protectionAssessment', status: 'open' } }));
    await temporal('terminate', '--workflow-id', task.id, '--reason', 'watchdog fault test');
    await eventually('the case workflow failed', async () => (await stack.env.client.workflow.getHandle(caseId).describe()).status.name === 'FAILED');
    return { caseId, task };
  }

  const statusOf = async (workflowId: string) => (await stack.env.client.workflow.getHandle(workflowId).describe()).status.name;

  /** The case runs on: no finding is left, and completing the task opens the next step. */
  async function expectCaseGoesOn(caseId: string, taskId: string) {
    expect(await statusOf(caseId)).toBe('RUNNING');
    expect(await statusOf(taskId)).toBe('RUNNING');
    await sweepAfter(new Date());
    expect(await openFindings()).toEqual([]);
    await stack.api.post(`/tasks/${taskId}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    await eventually('the next step open', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'investigationDecision', status: 'open' } }), 60_000);
    expect(await statusOf(caseId)).toBe('RUNNING');
  }

  it("when a step's task workflow is terminated and its case fails with it, then an admin's restart resumes both from before the termination, and completing the task opens the next step", async () => {
    const { caseId, task } = await caseFailedWithItsTask();

    const admin = stack.as({ sub: 'admin-2', roles: ['admin'] });
    const restarted = await admin.post(`/cases/${caseId}/restart`).expect(200);
    expect(restarted.body).toEqual({
      caseId,
      restarted: [
        { workflowId: caseId, kind: 'case', from: 'history' },
        { workflowId: task.id, kind: 'task', from: 'history' },
      ],
    });
    const audited = await stack.db.prisma.auditEvent.findMany({ where: { action: 'case.restart', caseId, status: 200 } });
    expect(audited.map((a) => a.actor)).toEqual(['admin-2']);
    // Resumed from before it heard the task end: it does not replay into its failure again.
    const { events } = await stack.env.client.workflow.getHandle(caseId).fetchHistory();
    expect(events?.some((e) => e.childWorkflowExecutionTerminatedEventAttributes)).toBe(false);

    await expectCaseGoesOn(caseId, task.id);
  });

  it("when a failed case's terminated task was already reset with the CLI, then an admin's restart resumes the case alone, and it hears the task complete", async () => {
    const { caseId, task } = await caseFailedWithItsTask();
    await temporal('reset', '--workflow-id', task.id, '--type', 'LastWorkflowTask', '--reason', 'watchdog repair');
    expect(await statusOf(task.id)).toBe('RUNNING');

    const restarted = await stack.as({ sub: 'admin-3', roles: ['admin'] }).post(`/cases/${caseId}/restart`).expect(200);
    expect(restarted.body).toEqual({ caseId, restarted: [{ workflowId: caseId, kind: 'case', from: 'history' }] });

    await expectCaseGoesOn(caseId, task.id);
  });

  it("when a case was sent a message in the moment its task was terminated, then the restart refuses, saying resuming would lose it", async () => {
    await publishOwnPolicy(stack);
    const caseId = await startCase(stack);
    const task = await eventually('the protection assessment open', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'protectionAssessment', status: 'open' } }));
    // With no worker, the signal and the task's end land after the case's last decision, together.
    await stack.stopWorker();
    try {
      await temporal('signal', '--workflow-id', caseId, '--name', 'watchdog-fault-test');
      await temporal('terminate', '--workflow-id', task.id, '--reason', 'watchdog fault test');
    } finally {
      await stack.startWorker();
    }
    await eventually('the case workflow failed', async () => (await statusOf(caseId)) === 'FAILED');

    const refused = await stack.as({ sub: 'admin-4', roles: ['admin'] }).post(`/cases/${caseId}/restart`).expect(409);
    expect(refused.body.error.code).toBe('CASE_RESUME_LOSES_MESSAGES');
    expect(await statusOf(caseId)).toBe('FAILED');
    expect(await statusOf(task.id)).toBe('TERMINATED');

    // Its own data out of the watchdog's sight, so no finding outlives the test.
    await stack.db.prisma.task.update({ where: { id: task.id }, data: { status: 'closed' } });
    await stack.db.prisma.case.update({ where: { id: caseId }, data: { status: 'closed' } });
    await sweepAfter(new Date());
    expect(await openFindings()).toEqual([]);
  });

  it('when the sweeps stop for twice their interval, then the overdue gauge reads 1 and the worker\'s /ready answers 503; when they resume, both recover', async () => {
    const registry = createMetricsRegistry(stack.db.prisma, 'worker', { watchdogEveryMs: sweepEveryMs });
    const server = await serveMetrics(registry, 0, '127.0.0.1', () => workerReadiness(stack.db.prisma, sweepEveryMs));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const schedule = stack.env.client.schedule.getHandle(`watchdog-${stack.taskQueue}-watchdog`);
    await publishOwnPolicy(stack);
    const caseId = await startCase(stack);
    await eventually('the task open', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }));
    try {
      // Each run is recorded: when, what it checked (this test's case and task at least), how long it took.
      const recent = await sweepAfter(new Date());
      expect(recent.casesChecked).toBeGreaterThan(0);
      expect(recent.tasksChecked).toBeGreaterThan(0);
      expect(recent.durationMs).toBeGreaterThanOrEqual(0);
      expect(recent.finishedAt.getTime()).toBeGreaterThanOrEqual(recent.startedAt.getTime());
      const listed = await stack.as({ sub: 'admin-1', roles: ['admin'] }).get('/watchdog/runs?limit=5').expect(200);
      expect(listed.body.items.length).toBeGreaterThan(0);
      expect(listed.body.items[0]).toEqual(expect.objectContaining({ runId: expect.any(String), casesChecked: expect.any(Number), durationMs: expect.any(Number) }));
      const healthy = await fetch(`${base}/ready`);
      expect(healthy.status).toBe(200);
      expect(await fetch(`${base}/metrics`).then((r) => r.text())).toMatch(/samverkan_watchdog_open_findings\{kind="case-workflow-not-running",service="worker"\} 0/);

      await schedule.pause('watchdog fault test');
      const quiet = await eventually(
        'the worker to report the watchdog overdue',
        async () => {
          const res = await fetch(`${base}/ready`);
          return res.status === 503 && ((await res.json()) as { checks: { watchdog: { ok: boolean; lastSweepAt: string } } });
        },
        60_000,
      );
      expect(quiet.checks.watchdog).toEqual({ ok: false, lastSweepAt: expect.any(String) });
      expect(await fetch(`${base}/metrics`).then((r) => r.text())).toMatch(/samverkan_watchdog_sweep_overdue\{service="worker"\} 1/);

      await schedule.unpause('watchdog fault test over');
      await eventually('the worker ready again', async () => (await fetch(`${base}/ready`)).status === 200, 60_000);
      expect(await fetch(`${base}/metrics`).then((r) => r.text())).toMatch(/samverkan_watchdog_sweep_overdue\{service="worker"\} 0/);
    } finally {
      await schedule.unpause().catch(() => undefined);
      server.close();
    }
  });
});

