import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { resumeInterruptedStarts } from '../../api/useCases/caseWorkflow';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { testFieldCrypto } from '../support/keys';
import { fastYouthConcernPolicy } from '../support/policies';
import { authedAgent, eventually, startStack, type Stack } from '../support/stack';
import { superuserIdentity } from '../support/testApp';

const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 15, displayName: 'Test Person' } } };

/** The API's dependencies on the stack, for calling use-cases directly. */
function apiDeps(stack: Stack) {
  const temporal = new Client({ connection: stack.env.connection, namespace: stack.env.namespace, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(stack.payloadKeys)] } });
  return { temporal, prisma: stack.db.prisma, fieldCrypto: testFieldCrypto(), config: { taskQueue: stack.taskQueue, auth: stack.issuer.auth } };
}

describe('starting a case: recorded first, then started', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('case-start', { policy: fastYouthConcernPolicy('test-case-start'), worker: false });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when Temporal refuses the start, then the case is kept with its audit row, the caller gets 201, and the reconciler starts it once Temporal takes it', async () => {
    // A namespace that does not exist: the real server answers the start with an error.
    const refusing = new Client({ connection: stack.env.connection, namespace: 'no-such-namespace' });
    const refusingDeps = { ...apiDeps(stack), temporal: refusing };
    const app = createApp(refusingDeps);
    const actor = superuserIdentity('refused-start');

    const res = await authedAgent(app, stack.issuer, actor).post('/cases').send(referral);

    expect(res.status).toBe(201);
    const caseId: string = res.body.caseId;
    expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('starting');
    expect(await stack.db.prisma.caseSubject.count({ where: { caseId } })).toBe(1);
    // One audit row for the one request, committed with the case.
    const audit = await stack.db.prisma.auditEvent.findMany({ where: { actor: actor.sub } });
    expect(audit.map((a) => [a.action, a.status, a.caseId])).toEqual([['case.create', 201, caseId]]);

    // While Temporal still refuses, the reconciler counts the case and keeps it.
    expect(await resumeInterruptedStarts(refusingDeps, { olderThanMs: 0 })).toEqual({ started: 0, refused: 1 });
    expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('starting');

    expect(await resumeInterruptedStarts(apiDeps(stack), { olderThanMs: 0 })).toEqual({ started: 1, refused: 0 });
    expect((await stack.env.client.workflow.getHandle(caseId).describe()).status.name).toBe('RUNNING');

    // No worker runs here, so the row is still "starting"; the next pass knows its workflow exists
    // and leaves it, instead of starting it again on every pass.
    const row = await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect([row.status, row.startConfirmedAt !== null]).toEqual(['starting', true]);
    expect(await resumeInterruptedStarts(apiDeps(stack), { olderThanMs: 0 })).toEqual({ started: 0, refused: 0 });
  });

  it('when Temporal cannot be reached at all, then the caller gets 201 once the start deadline passes, not after the client has retried for ~19 s, and the reconciler stops at the first case', async () => {
    // Nothing listens on port 1: every call fails as UNAVAILABLE, and the client would keep retrying.
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApp({ ...apiDeps(stack), temporal: unreachable });

    const sent = Date.now();
    const res = await authedAgent(app, stack.issuer, superuserIdentity('unreachable-start')).post('/cases').send(referral);
    const waited = Date.now() - sent;

    expect(res.status).toBe(201);
    expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: res.body.caseId } })).status).toBe('starting');
    // The deadline is 5 s; the client's own retries would take ~19 s.
    expect(waited).toBeGreaterThanOrEqual(4_500);
    expect(waited).toBeLessThan(12_000);

    // The reconciler, with Temporal still unreachable, stops at the first case instead of waiting
    // out the deadline once per recorded case.
    expect(await stack.db.prisma.case.count({ where: { status: 'starting' } })).toBeGreaterThanOrEqual(2);
    expect(await resumeInterruptedStarts({ ...apiDeps(stack), temporal: unreachable }, { olderThanMs: 0 })).toEqual({ started: 0, refused: 1 });
    await unreachable.connection.close();
  });

  it('when a case was recorded but the API died before starting it, then the reconciler starts it from the row with the input it recorded', async () => {
    // What a crash between the two steps leaves: the row with its start input, no workflow.
    const caseId = 'VPC-2026-CRASHED1';
    const receivedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const routing = { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true };
    await stack.db.prisma.case.create({
      data: {
        id: caseId,
        workflowId: caseId,
        caseType: 'youth-concern',
        policyVersion: 'test-case-start',
        status: 'starting',
        currentStep: 'receipt',
        startArgs: { receivedAt, receiptStated: true, routing },
        createdAt: new Date(Date.now() - 5 * 60_000),
      },
    });
    // A fresh row may still belong to a request in flight: it is left alone.
    const fresh = await stack.api.post('/cases').send(referral).expect(201);
    await stack.env.client.workflow.getHandle(fresh.body.caseId).terminate('test: stands for a request still in flight');

    const deps = apiDeps(stack);
    expect(await resumeInterruptedStarts(deps, { olderThanMs: 120_000 })).toEqual({ started: 1, refused: 0 });

    const started = await stack.env.client.workflow.getHandle(caseId).describe();
    expect(started.type).toBe('youthConcernCase');
    const input = (await stack.env.client.workflow.getHandle(caseId).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    expect(input).toHaveLength(1);

    // The workflow then runs as any other: the worker records progress on the same row.
    await stack.startWorker();
    try {
      await eventually('the resumed case to open its first task', () => stack.db.prisma.task.findFirst({ where: { caseId } }));
      expect((await stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('open');
      // Running it again finds the workflow there and changes nothing.
      await resumeInterruptedStarts(deps, { olderThanMs: 0 });
      expect((await stack.env.client.workflow.getHandle(caseId).describe()).runId).toBe(started.runId);
    } finally {
      await stack.stopWorker();
    }
  });

  it('when a keyed request is retried after its workflow was lost, then the retry starts the recorded case instead of answering with a case that does not run', async () => {
    const first = await stack.api.post('/cases').set('Idempotency-Key', 'case-start-lost-1').send(referral).expect(201);
    const caseId: string = first.body.caseId;
    // Stand-in for "the process died after recording": remove the workflow the first attempt started.
    await stack.env.client.workflowService.deleteWorkflowExecution({ namespace: stack.env.namespace ?? 'default', workflowExecution: { workflowId: caseId } });
    await eventually('the workflow to be gone', async () => {
      try {
        await stack.env.client.workflow.getHandle(caseId).describe();
        return false;
      } catch {
        return true;
      }
    });

    const retry = await stack.api.post('/cases').set('Idempotency-Key', 'case-start-lost-1').send(referral).expect(201);

    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.caseId).toBe(caseId);
    // A replay says what the first answer said.
    expect(retry.body).toEqual(first.body);
    expect((await stack.env.client.workflow.getHandle(caseId).describe()).status.name).toBe('RUNNING');
    expect(await stack.db.prisma.case.count({ where: { id: caseId } })).toBe(1);
  });

  it('when a routed referral is retried with its key, then the replay names the same routing, tracks included', async () => {
    const routed = { referral: { sourceAgency: 'police', category: 'drug-possession', suspectedOfCrime: true, subject: { ageYears: 16 } } };
    const first = await stack.api.post('/referrals').set('Idempotency-Key', 'case-start-routed-1').send(routed).expect(201);
    expect(first.body.routing.tracks).toEqual(['police-lul']);

    const retry = await stack.api.post('/referrals').set('Idempotency-Key', 'case-start-routed-1').send(routed).expect(201);

    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('when a keyed referral starts a youth concern beside its programme, then the API records both rows before any workflow runs, and a retry records no more', async () => {
    const minor = { referral: { sourceAgency: 'school', category: 'recruitment', subject: { ageYears: 15 } } };
    const first = await stack.api.post('/referrals').set('Idempotency-Key', 'case-start-companion-1').send(minor).expect(201);
    expect(first.body.caseType).toBe('social-intervention-group');
    const programme = await stack.db.prisma.case.findUniqueOrThrow({ where: { id: first.body.caseId } });
    const companions = await stack.db.prisma.case.findMany({ where: { linkedCaseId: programme.id } });
    // No worker runs here: the companion row is the API's, waiting for the programme's workflow to start it.
    expect(companions).toEqual([expect.objectContaining({ caseType: 'youth-concern', policyVersion: 'test-case-start', status: 'starting', startArgs: null })]);
    expect(programme.startArgs).toMatchObject({ routing: { alongside: ['youth-concern'] }, companionIds: { 'youth-concern': companions[0].id } });

    const retry = await stack.api.post('/referrals').set('Idempotency-Key', 'case-start-companion-1').send(minor).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(await stack.db.prisma.case.count({ where: { linkedCaseId: programme.id } })).toBe(1);
  });

  it('when many requests arrive at once, then each has exactly one audit row, written before its answer', async () => {
    const actors = Array.from({ length: 40 }, (_, i) => `audit-burst-${i}`);
    const answers = await Promise.all(actors.map((sub) => stack.api.get('/tasks').set('X-Actor-Id', sub)));

    expect(answers.map((a) => a.status)).toEqual(actors.map(() => 200));
    // No waiting: every answer came after its row was committed.
    const rows = await stack.db.prisma.auditEvent.findMany({ where: { actor: { in: actors } } });
    expect(rows.map((r) => r.actor).sort()).toEqual([...actors].sort());
    expect(rows.every((r) => r.action === 'task.list' && r.status === 200 && r.route === '/tasks')).toBe(true);
  });

  it('when a token was verified and then expires, then the next request with it is refused', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = stack.issuer.token(superuserIdentity('short-lived'), { exp });
    await stack.api.get('/tasks').set('Authorization', `Bearer ${token}`).expect(200);
    // The verified token is remembered, but never past its own exp.
    await eventually('the token to expire', async () => Date.now() >= exp * 1000 + 50);
    const refused = await stack.api.get('/tasks').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body.error.message).toContain('EXPIRED');
  });

  it('when a referral names an agency the registry does not have, then POST /cases, POST /referrals and the preview answer 422 AGENCY_NOT_FOUND naming the field and the agency, and no case, subject or case audit row is recorded', async () => {
    const unknown = 'no-such-agency';
    const minor = { sourceAgency: unknown, category: 'recruitment', subject: { ageYears: 15, displayName: 'Okänd Aktörsson' } };
    const casesBefore = await stack.db.prisma.case.count();
    const subjectsBefore = await stack.db.prisma.caseSubject.count();
    const attempts = [
      { actor: 'unknown-agency-case', send: () => stack.api.post('/cases').set('X-Actor-Id', 'unknown-agency-case').send({ ...referral, referral: { ...referral.referral, sourceAgency: unknown } }) },
      // Keyed, and a minor's programme with its youth concern beside it: the statement in its transaction records neither.
      { actor: 'unknown-agency-keyed', send: () => stack.api.post('/cases').set('X-Actor-Id', 'unknown-agency-keyed').set('Idempotency-Key', 'unknown-agency-1').send({ caseType: 'social-intervention-group', referral: minor }) },
      { actor: 'unknown-agency-route', send: () => stack.api.post('/referrals').set('X-Actor-Id', 'unknown-agency-route').send({ referral: minor }) },
      { actor: 'unknown-agency-preview', send: () => stack.api.post('/referrals/preview').set('X-Actor-Id', 'unknown-agency-preview').send({ referral: minor }) },
    ];
    for (const { actor, send } of attempts) {
      const res = await send();
      expect({ actor, status: res.status, code: res.body.error?.code }).toEqual({ actor, status: 422, code: 'AGENCY_NOT_FOUND' });
      expect(res.body.error.message).toContain('referral.sourceAgency');
      expect(res.body.error.message).toContain(unknown);
      expect(res.body.error.fields).toEqual([{ field: 'referral.sourceAgency', problem: 'is not an agency in the registry' }]);
    }
    expect(await stack.db.prisma.case.count({ where: { sourceAgency: unknown } })).toBe(0);
    expect(await stack.db.prisma.case.count()).toBe(casesBefore);
    expect(await stack.db.prisma.caseSubject.count()).toBe(subjectsBefore);
    // Each refusal is on record as one 422 row naming no case (the preview's after its intent); none was written with a case.
    const rows = await stack.db.prisma.auditEvent.findMany({ where: { actor: { in: attempts.map((a) => a.actor) } }, select: { actor: true, status: true, caseId: true, phase: true } });
    const outcomes = rows.filter((r) => r.phase !== 'intent');
    expect(outcomes.map((r) => r.actor).sort()).toEqual(attempts.map((a) => a.actor).sort());
    expect(outcomes.every((r) => r.status === 422)).toBe(true);
    expect(rows.filter((r) => r.caseId !== null)).toEqual([]);

    // The same key with an agency of the registry starts the case: the refusal took nothing.
    const fixed = await stack.api.post('/cases').set('X-Actor-Id', 'unknown-agency-keyed').set('Idempotency-Key', 'unknown-agency-1').send({ caseType: 'social-intervention-group', referral: { ...minor, sourceAgency: 'school' } }).expect(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });
});
