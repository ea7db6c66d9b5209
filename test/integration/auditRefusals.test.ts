import { Client } from 'pg';
import { contractRequest, eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const unit = 'soc-children-youth';
const coordinator: Identity = { sub: 'ref-coordinator', roles: ['coordinator'] };
const staff: Identity = { sub: 'ref-staff', roles: ['staff'], units: [unit] };
const auditor: Identity = { sub: 'ref-auditor', roles: ['auditor'] };
const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'threat', subject: { ageYears: 14 } } };
const someTask = 'VPC-2026-ABCDEFGH.protection-assessment';
const someCase = 'VPC-2026-ABCDEFGH';

describe('the audit trail: refusals, client addresses, and changes as intent and result', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('auditrefusals');
  });
  afterAll(async () => {
    await stack.teardown();
  });

  const rowsFrom = (sourceAddress: string) => stack.db.prisma.auditEvent.findMany({ where: { sourceAddress }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  /** An app behind a proxy on loopback, as in a deployment; the test names the client's address in X-Forwarded-For. */
  const behindProxy = (config: Parameters<Stack['appWith']>[0] = {}) => {
    const app = stack.appWith({ trustProxy: ['loopback'], ...config });
    return (address: string) => contractRequest(app, (test) => test.set('X-Forwarded-For', address));
  };
  const bearer = (who: Identity) => `Bearer ${stack.issuer.token(who)}`;

  it('when requests are refused before an operation runs (no token, a body that is not JSON, one over the limit, a token or an address over its rate limit), then each refusal is a row with its status, operation, client address and request id', async () => {
    const from = behindProxy({ rateLimitPerMinute: 2 });
    const noToken = await from('198.51.100.1').get('/tasks?status=all').expect(401);
    const notJson = await from('198.51.100.2')
      .post(`/tasks/${someTask}/complete`)
      .set('Authorization', bearer(staff))
      .set('Content-Type', 'application/json')
      .send('{"outcome":')
      .expect(400);
    await from('198.51.100.3').post('/cases').set('Authorization', bearer(coordinator)).send({ ...referral, narrative: 'x'.repeat(200_000) }).expect(413);
    const busy: Identity = { sub: 'ref-busy', roles: ['staff'], units: [unit] };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await from('198.51.100.4').get('/tasks').set('Authorization', bearer(busy))).status);
    expect(statuses).toEqual([200, 200, 429]);
    const oneAMinute = behindProxy({ addressRateLimitPerMinute: 1 });
    await oneAMinute('198.51.100.5').get('/health').expect(200);
    await oneAMinute('198.51.100.5').get(`/cases/${someCase}`).expect(429);

    expect(await rowsFrom('198.51.100.1')).toMatchObject([
      { actor: 'anonymous', action: 'task.list', method: 'GET', route: '/tasks', status: 401, phase: null, requestId: noToken.headers['x-request-id'], detail: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(await rowsFrom('198.51.100.2')).toMatchObject([
      { actor: 'ref-staff', action: 'task.complete', route: '/tasks/:taskId/complete', status: 400, taskId: someTask, requestId: notJson.headers['x-request-id'], detail: { message: 'the body is not valid JSON' } },
    ]);
    expect(await rowsFrom('198.51.100.3')).toMatchObject([{ actor: 'ref-coordinator', action: 'case.create', status: 413, detail: { code: 'PAYLOAD_TOO_LARGE' } }]);
    expect(await rowsFrom('198.51.100.4')).toMatchObject([
      { actor: 'ref-busy', action: 'task.list', status: 200 },
      { actor: 'ref-busy', action: 'task.list', status: 200 },
      { actor: 'ref-busy', action: 'task.list', status: 429, detail: { message: 'too many requests for this token; retry after the window' } },
    ]);
    // Refused before authentication: no actor, and the case id from the path since it is well-formed.
    expect(await rowsFrom('198.51.100.5')).toMatchObject([
      { actor: 'anonymous', action: 'case.read', route: '/cases/:caseId', status: 429, caseId: someCase, detail: { message: 'too many requests from this address; retry after the window' } },
    ]);
  });

  it('when a request comes through the trusted proxy, then its row has the address the proxy saw, not one the client wrote; without a trusted proxy the header is ignored', async () => {
    // The client wrote the first address itself; the proxy appended the one it saw.
    const proxied = await behindProxy()('203.0.113.66, 203.0.113.7').get('/tasks').set('Authorization', bearer(staff)).expect(200);
    const direct = await contractRequest(stack.app).get('/tasks').set('Authorization', bearer(staff)).set('X-Forwarded-For', '203.0.113.8').expect(200);
    const byRequest = (res: { headers: Record<string, string> }) => stack.db.prisma.auditEvent.findMany({ where: { requestId: res.headers['x-request-id'] } });
    expect((await byRequest(proxied)).map((r) => r.sourceAddress)).toEqual(['203.0.113.7']);
    expect((await byRequest(direct)).map((r) => r.sourceAddress)).toEqual(['127.0.0.1']);
  });

  it('when one address floods the API with refusals, then it gets a few rows of its own a window and count rows for the rest, none lost; another address keeps its own', async () => {
    const from = behindProxy({ auditRefusals: { perAddress: 3, windowMs: 1_000 } });
    const floodStarted = Date.now();
    for (let i = 0; i < 40; i++) await from('192.0.2.7').get('/tasks').expect(401);
    const floodMs = Date.now() - floodStarted;
    for (let i = 0; i < 2; i++) await from('192.0.2.8').get('/escalations').expect(401);

    // On a busy machine the flood may span more than one window; whatever it spans, every refusal
    // is a row of its own (at most 3 a window) or counted in its window's count row, none lost.
    type Row = Awaited<ReturnType<typeof rowsFrom>>[number];
    const own = (rows: Row[]) => rows.filter((r) => r.action === 'task.list');
    const countRows = (rows: Row[]) => rows.filter((r) => r.action === 'audit.suppressed');
    const rows = await eventually('every refusal of the flood recorded or counted', async () => {
      const found = await rowsFrom('192.0.2.7');
      const counted = countRows(found).reduce((n, r) => n + (r.detail as { suppressed: number }).suppressed, 0);
      return own(found).length + counted === 40 && found;
    });
    expect(own(rows).map((r) => [r.status, r.actor])).toEqual(own(rows).map(() => [401, 'anonymous']));
    expect(own(rows).length).toBeLessThanOrEqual(3 * (Math.ceil(floodMs / 1_000) + 1));
    expect(countRows(rows).length).toBeGreaterThan(0);
    for (const row of countRows(rows)) expect(row).toMatchObject({ status: 401, actor: 'anonymous', method: '*', route: '*', requestId: null });
    expect((await rowsFrom('192.0.2.8')).map((r) => [r.action, r.status])).toEqual([
      ['escalation.list', 401],
      ['escalation.list', 401],
    ]);
  });

  describe('a change is recorded before it is made', () => {
    /**
     * Makes the database refuse audit rows matching `when`, as an unreachable database would
     * (SQLSTATE 57P03), for the length of `run`. A trigger is the administrator's to add: the app role may not.
     */
    async function refusingAuditRows<T>(name: string, when: string, run: () => Promise<T>): Promise<T> {
      const admin = new Client({ connectionString: stack.db.adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '57P03'; END $$`);
        await admin.query(`CREATE TRIGGER ${name} BEFORE INSERT ON audit_event FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}()`);
        try {
          return await run();
        } finally {
          await admin.query(`DROP TRIGGER ${name} ON audit_event`);
          await admin.query(`DROP FUNCTION ${name}()`);
        }
      } finally {
        await admin.end();
      }
    }
    const openTask = async () => {
      const { caseId } = (await stack.as(coordinator).post('/cases').send(referral).expect(201)).body as { caseId: string };
      return eventually('the protection assessment', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }));
    };

    it('when the intent row cannot be written, then the change is not made and the caller gets 503', async () => {
      const task = await openTask();
      const res = await refusingAuditRows('test_refuse_intents', 'NEW.status IS NULL', () =>
        stack.as(staff).post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }),
      );
      expect(res.status).toBe(503);
      expect((await stack.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('open');
      // The refusal itself is on record, in one row: nothing was attempted.
      expect(await stack.db.prisma.auditEvent.findMany({ where: { requestId: res.headers['x-request-id'] } })).toMatchObject([{ action: 'task.complete', status: 503, phase: null }]);
    });

    it('when the result row cannot be written, then the change is still on record by its intent, the caller learns the outcome, and the auditor finds the change with no result', async () => {
      const task = await openTask();
      const res = await refusingAuditRows('test_refuse_results', "NEW.phase = 'result'", () =>
        stack.as(staff).post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }),
      );
      expect(res.status).toBe(200);
      await eventually('the task completed', async () => (await stack.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status === 'completed');
      const requestId = res.headers['x-request-id'];
      const trail = await stack.as(auditor).get(`/audit?requestId=${requestId}`).expect(200);
      expect(trail.body.items).toMatchObject([
        { actor: 'ref-staff', action: 'task.complete', status: null, phase: 'intent', caseId: task.caseId, taskId: task.id, sourceAddress: '127.0.0.1', requestId },
      ]);
      // The README's query for changes whose outcome the trail does not hold.
      const unresolved = await stack.db.prisma.$queryRawUnsafe<Array<{ request_id: string }>>(`
        SELECT i.request_id FROM audit_event i
        WHERE i.phase = 'intent'
          AND NOT EXISTS (SELECT 1 FROM audit_event r WHERE r.request_id = i.request_id AND r.phase = 'result')`);
      expect(unresolved.map((r) => r.request_id)).toEqual([requestId]);
    });
  });
});
