import { operations } from '../../api/operations';
import { publishPolicy } from '../../prisma/seed';
import { fastYouthConcernPolicy } from '../support/policies';
import { contractRequest, eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });
const unit = 'soc-children-youth';

/** Who calls: one identity per role, plus staff and supervisors of other units and agencies. */
const callers = {
  coordinator: { sub: 'acc-coordinator', roles: ['coordinator'] },
  staffOwnUnit: { sub: 'acc-staff-own', roles: ['staff'], units: [unit] },
  staffSameAgency: { sub: 'acc-staff-adults', roles: ['staff'], units: ['soc-adults'] },
  staffOtherAgency: { sub: 'acc-staff-police', roles: ['staff'], units: ['police-exit'] },
  // Named in the token, so the staff directory names them beside their id.
  supervisorOwnUnit: { sub: 'acc-supervisor-own', name: 'Siv Lind', roles: ['supervisor'], supervisedUnits: [unit] },
  supervisorOtherAgency: { sub: 'acc-supervisor-police', roles: ['supervisor'], supervisedUnits: ['police-local'] },
  admin: { sub: 'acc-admin', roles: ['admin'] },
  auditor: { sub: 'acc-auditor', roles: ['auditor'] },
} satisfies Record<string, Identity>;
type Caller = keyof typeof callers;

const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'weapons', subject: { ageYears: 16 } } };

interface Ids {
  caseId: string;
  taskId: string;
  escalationId: string;
}

interface Row {
  /** The operation called, by its declared id: method and path come from the declaration. */
  id: string;
  /** A query string, for a second row of the same operation. */
  query?: string;
  /** Path values besides the fixture's ids (e.g. a consent made for this call). */
  params?: (stack: Stack, ids: Ids) => Promise<Record<string, string>>;
  body?: (stack: Stack) => unknown;
  /** The status each caller gets; a caller left out is not asked. */
  expect: Partial<Record<Caller, number>>;
}

/** Registry rows change units of their own, never the fixture's. */
let made = 0;
const tableUnit = () => ({ code: `acc-unit-${++made}`, name: 'A unit for the table', notificationEmail: 'u@skola.example', supervisorEmail: 's@skola.example', headEmail: 'h@skola.example' });
async function madeUnit(s: Stack): Promise<Record<string, string>> {
  const { body } = await s.api.post('/admin/units').send({ ...tableUnit(), agency: 'school' }).expect(201);
  return { unitCode: body.code as string };
}

const allow = (codes: Partial<Record<Caller, number>>, otherwise: number): Record<Caller, number> =>
  Object.fromEntries((Object.keys(callers) as Caller[]).map((c) => [c, codes[c] ?? otherwise])) as Record<Caller, number>;

const operationById = new Map(operations.map((op) => [op.id, op]));

/** Calls the row's operation as `who`: its method and path from the declaration, the path filled with the fixture's ids. */
async function call(row: Row, s: Stack, who: Identity, ids: Ids) {
  const op = operationById.get(row.id)!;
  const values: Record<string, string> = { ...ids, unitCode: unit, caseType: 'triage', version: '2026.1', ...(await row.params?.(s, ids)) };
  const path = op.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]));
  const req = s.as(who)[op.method](row.query ? `${path}?${row.query}` : path);
  return op.method === 'post' ? req.send((await row.body?.(s)) ?? {}) : req;
}

/**
 * The role × route table, keyed by operation id. Rows run in order and, within a row, refusals run
 * before the one allowed change, so each write happens exactly once (complete comes last: it closes the task).
 */
const table: Row[] = [
  { id: 'case.create', body: () => referral, expect: allow({ coordinator: 201 }, 403) },
  {
    id: 'case.read',
    // Shared with the unit holding its task; not with another unit of the same agency, nor with the police: 404, not 403.
    expect: allow({ coordinator: 200, staffOwnUnit: 200, staffSameAgency: 404, supervisorOwnUnit: 200, staffOtherAgency: 404, supervisorOtherAgency: 404 }, 403),
  },
  {
    id: 'subject.read',
    // Need to know: the unit holding the case's task reads the person; a unit the case is not shared with gets the 404 of a missing case.
    expect: allow({ coordinator: 200, staffOwnUnit: 200, supervisorOwnUnit: 200, staffSameAgency: 404, staffOtherAgency: 404, supervisorOtherAgency: 404 }, 403),
  },
  { id: 'subject.correct', body: () => ({ ageYears: 16 }), expect: allow({ coordinator: 201 }, 403) },
  { id: 'subject.corrections', expect: allow({ coordinator: 200 }, 403) },
  { id: 'case.protect', body: () => ({ protectedIdentity: false }), expect: allow({ coordinator: 200 }, 403) },
  // Staff and supervisors search among the cases they may see (an empty page when none); a unit not theirs is 403.
  { id: 'case.list', expect: allow({ coordinator: 200, staffOwnUnit: 200, staffSameAgency: 200, staffOtherAgency: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  { id: 'case.list', query: `unit=${unit}`, expect: allow({ coordinator: 200, staffOwnUnit: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'case.search', body: () => ({ personalIdentityNumber: '20110312-2386' }), expect: allow({ coordinator: 200 }, 403) },
  { id: 'task.list', expect: allow({ coordinator: 200, staffOwnUnit: 200, staffSameAgency: 200, staffOtherAgency: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  { id: 'task.list', query: `unit=${unit}&status=all`, expect: allow({ coordinator: 200, staffOwnUnit: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'unit.tasks', expect: allow({ coordinator: 200, staffOwnUnit: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'escalation.list', query: 'status=all', expect: allow({ coordinator: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  { id: 'escalation.list', query: `unit=${unit}`, expect: allow({ coordinator: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'watchdog.findings', query: 'status=all', expect: allow({ coordinator: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  { id: 'watchdog.findings', query: `unit=${unit}`, expect: allow({ coordinator: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'watchdog.runs', expect: allow({ coordinator: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200, admin: 200 }, 403) },
  // The fixture's case runs: an admin is told there is nothing to restart.
  { id: 'case.restart', expect: allow({ admin: 409 }, 403) },
  { id: 'report.read', expect: allow({ coordinator: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  { id: 'report.csv', query: `unit=${unit}`, expect: allow({ coordinator: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'audit.read', query: 'limit=5', expect: allow({ auditor: 200 }, 403) },
  { id: 'notification.list', query: 'status=all', expect: allow({ coordinator: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  { id: 'referral.route', body: () => ({ referral: referral.referral }), expect: allow({ coordinator: 201 }, 403) },
  { id: 'referral.preview', body: () => ({ referral: referral.referral }), expect: allow({ coordinator: 200 }, 403) },
  {
    id: 'consent.record',
    body: () => ({ personRole: 'subject', receivingAgency: 'police', purpose: 'information-sharing' }),
    expect: allow({ coordinator: 201 }, 403),
  },
  {
    id: 'consent.withdraw',
    // Each call withdraws a consent of its own, recorded first by the test superuser.
    params: async (s, ids) => {
      const given = await s.api
        .post(`/cases/${ids.caseId}/consents`)
        .send({ personRole: 'subject', receivingAgency: 'school', purpose: 'information-sharing' })
        .expect(201);
      return { consentId: given.body.consentId as string };
    },
    expect: allow({ coordinator: 200 }, 403),
  },
  {
    id: 'consent.refuse',
    body: () => ({ personRole: 'subject', receivingAgency: 'school', purpose: 'information-sharing' }),
    expect: allow({ coordinator: 201 }, 403),
  },
  {
    id: 'case.acute-threat',
    body: () => ({ reason: 'threatened outside school' }),
    // Coordinators and staff of a unit with a task in the case get past access (this policy has no
    // acute-threat step: 422); a unit the case is not shared with (even of the same agency) 404.
    expect: allow({ coordinator: 422, staffOwnUnit: 422, staffSameAgency: 404, staffOtherAgency: 404 }, 403),
  },
  {
    id: 'case.close',
    // Each call closes a case of its own, so the fixture's stays open.
    params: async (s) => {
      const { body } = await s.api.post('/cases').send(referral).expect(201);
      await eventually('the case runs', () => s.db.prisma.task.findFirst({ where: { caseId: body.caseId } }));
      return { caseId: body.caseId as string };
    },
    body: () => ({ reason: 'duplicate' }),
    expect: allow({ coordinator: 200 }, 403),
  },
  {
    id: 'case.reopen',
    // Each call reopens a case of its own, closed first by the test superuser.
    params: async (s) => {
      const { body } = await s.api.post('/cases').send(referral).expect(201);
      await eventually('the case runs', () => s.db.prisma.task.findFirst({ where: { caseId: body.caseId } }));
      await s.api.post(`/cases/${body.caseId}/close`).send({ reason: 'duplicate' }).expect(200);
      return { caseId: body.caseId as string };
    },
    body: () => ({ fromStep: 'protectionAssessment', reason: 'not a duplicate' }),
    expect: allow({ coordinator: 201 }, 403),
  },
  {
    id: 'triage.route',
    // Each call routes a triage task of its own; the triage unit is the coordinators', so staff elsewhere do not see it.
    params: async (s) => {
      const { body } = await s.api.post('/cases').send({ ...referral, caseType: 'triage' }).expect(201);
      const task = await eventually('a triage task', () => s.db.prisma.task.findFirst({ where: { caseId: body.caseId, status: 'open' } }));
      return { taskId: task.id };
    },
    body: () => ({ caseType: 'youth-concern' }),
    expect: allow({ coordinator: 201, staffOwnUnit: 404, staffSameAgency: 404, staffOtherAgency: 404 }, 403),
  },
  // The fixture is a youth concern: the coordinator gets past access to the rule that plans are for SIG and exit (422).
  { id: 'case.plan.add', body: () => ({ unitCode: 'kronofogden-debt' }), expect: allow({ coordinator: 422 }, 403) },
  { id: 'registry.read', expect: allow({ admin: 200 }, 403) },
  { id: 'agency.create', body: () => ({ code: `acc-agency-${++made}`, name: 'An agency for the table' }), expect: allow({ admin: 201 }, 403) },
  { id: 'agency.update', params: async () => ({ agencyCode: 'school' }), body: () => ({ name: 'Compulsory schools' }), expect: allow({ admin: 200 }, 403) },
  { id: 'unit.create', body: () => ({ ...tableUnit(), agency: 'school' }), expect: allow({ admin: 201 }, 403) },
  { id: 'unit.update', params: madeUnit, body: () => ({ headEmail: 'rektor@skola.example' }), expect: allow({ admin: 200 }, 403) },
  { id: 'unit.delete', params: madeUnit, expect: allow({ admin: 200 }, 403) },
  // Who works in a unit: its own staff and supervisors, and those who work across units; another unit's or agency's people 403.
  { id: 'unit.people', expect: allow({ coordinator: 200, admin: 200, staffOwnUnit: 200, supervisorOwnUnit: 200 }, 403) },
  { id: 'unit.list', expect: allow({ coordinator: 200, staffOwnUnit: 200, staffSameAgency: 200, staffOtherAgency: 200, supervisorOwnUnit: 200, supervisorOtherAgency: 200 }, 403) },
  // Whom a consent can name: coordinators, who record consents (admins read the registry whole).
  { id: 'agency.list', expect: allow({ coordinator: 200 }, 403) },
  { id: 'policy.list', expect: allow({ admin: 200 }, 403) },
  { id: 'policy.read', expect: allow({ admin: 200 }, 403) },
  {
    id: 'policy.publish',
    // A new triage version: publishing one leaves the youth-concern cases of this file alone.
    body: async (s) => ({ ...(await s.api.get('/admin/policies/triage/2026.1').expect(200)).body.document, version: 'acc-admin-test' }),
    expect: allow({ admin: 201 }, 403),
  },
  { id: 'routing.read', expect: allow({ admin: 200 }, 403) },
  // The fixture's version, 2026.1: a seeded routing version no longer active.
  { id: 'routing.version.read', expect: allow({ admin: 200 }, 403) },
  {
    id: 'routing.publish',
    body: async (s) => ({ ...(await s.api.get('/admin/routing').expect(200)).body.active, version: 'acc-admin-test' }),
    expect: allow({ admin: 201 }, 403),
  },
  {
    id: 'case.note.add',
    body: () => ({ text: 'called the school' }),
    // Coordinators and staff of a unit holding a task in it; the same agency's other unit sees the case but holds no task.
    expect: allow({ coordinator: 201, staffOwnUnit: 201, staffSameAgency: 404, staffOtherAgency: 404 }, 403),
  },
  {
    id: 'case.note.list',
    expect: allow({ coordinator: 200, staffOwnUnit: 200, staffSameAgency: 404, supervisorOwnUnit: 200, staffOtherAgency: 404, supervisorOtherAgency: 404 }, 403),
  },
  {
    id: 'task.note.add',
    body: () => ({ text: 'home visit booked' }),
    // Coordinators and the task's own unit; the same agency's other unit 403, another agency 404.
    expect: allow({ coordinator: 201, staffOwnUnit: 201, supervisorOwnUnit: 201, staffSameAgency: 404, staffOtherAgency: 404, supervisorOtherAgency: 404 }, 403),
  },
  {
    id: 'task.note.list',
    expect: allow({ coordinator: 200, staffOwnUnit: 200, supervisorOwnUnit: 200, staffSameAgency: 404, staffOtherAgency: 404, supervisorOtherAgency: 404 }, 403),
  },
  {
    id: 'task.assignments',
    expect: allow({ coordinator: 200, staffOwnUnit: 200, supervisorOwnUnit: 200, staffSameAgency: 404, staffOtherAgency: 404, supervisorOtherAgency: 404 }, 403),
  },
  { id: 'case.events', expect: allow({ coordinator: 200 }, 403) },
  { id: 'task.claim', expect: allow({ staffOwnUnit: 200, staffSameAgency: 404, staffOtherAgency: 404 }, 403) },
  { id: 'task.release', expect: allow({ staffOwnUnit: 200, staffSameAgency: 404, staffOtherAgency: 404 }, 403) },
  {
    id: 'task.assign',
    // Given to the own unit's staff member, who completes it below.
    body: () => ({ assignee: callers.staffOwnUnit.sub }),
    expect: allow({ supervisorOwnUnit: 200, supervisorOtherAgency: 404 }, 403),
  },
  {
    id: 'task.reassign',
    // Each call moves a task of its own (a new case's protection assessment), so the fixture's stays.
    params: async (s) => {
      const { body } = await s.api.post('/cases').send(referral).expect(201);
      // Its row is written as it opens; once its unit is told, the workflow holds it open too.
      const told = await eventually('a task to move', () => s.db.prisma.notification.findFirst({ where: { task: { caseId: body.caseId }, kind: 'assigned' } }));
      return { taskId: told.taskId! };
    },
    body: () => ({ unitCode: 'soc-adults', reason: 'belongs with adults' }),
    expect: allow({ supervisorOwnUnit: 200, supervisorOtherAgency: 404 }, 403),
  },
  {
    id: 'task.extend',
    body: () => ({ newDueAt: new Date(Date.now() + 3_600_000).toISOString(), justification: 'awaiting the school' }),
    // A supervisor of a unit the case is not shared with must not learn the task exists.
    expect: allow({ supervisorOwnUnit: 200, supervisorOtherAgency: 404 }, 403),
  },
  { id: 'escalation.acknowledge', body: () => ({ note: 'seen' }), expect: allow({ supervisorOwnUnit: 200, supervisorOtherAgency: 404 }, 403) },
  {
    id: 'task.complete',
    body: () => ({ outcome: 'no-immediate-risk' }),
    // Another unit, of the same agency or not: the case is not shared with it, so the task is not found (404).
    expect: allow({ staffOwnUnit: 200, staffSameAgency: 404, staffOtherAgency: 404 }, 403),
  },
];
/**
 * An operation the table has no row for yet is still covered on its deny side, from its
 * declaration: every caller without one of its roles gets 403 before anything else is looked at.
 * Its allow side (and its scope) wants a row above.
 */
const declaredOnly: Row[] = operations
  .filter((op) => op.access !== 'public' && !table.some((row) => row.id === op.id))
  .map((op) => {
    const roles = op.access === 'public' ? [] : op.access.roles;
    const denied = (Object.keys(callers) as Caller[]).filter((c) => !callers[c].roles.some((r) => (roles as readonly string[]).includes(r)));
    return { id: op.id, expect: Object.fromEntries(denied.map((c) => [c, 403])) };
  });

const labelled = [...table, ...declaredOnly].map((row) => {
  const op = operationById.get(row.id);
  return { ...row, label: `${row.id}: ${op?.method.toUpperCase()} ${op?.path}${row.query ? `?${row.query}` : ''}` };
});

describe('access control: every role against every route', () => {
  let stack: Stack;
  let ids: Ids;
  beforeAll(async () => {
    stack = await startStack('access');
    // The protection assessment lapses at once and escalates to the supervisor; the head only after an hour.
    await publishPolicy(
      stack.db.prisma,
      fastYouthConcernPolicy('access-1', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(1) },
          reminders: [],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(3600), target: 'unitHead' },
          ],
        },
      }),
    );
    const { body } = await stack.as(callers.coordinator).post('/cases').send(referral).expect(201);
    const escalation = await eventually('the supervisor escalation', () =>
      stack.db.prisma.escalation.findFirst({ where: { caseId: body.caseId, level: 1 } }),
    );
    ids = { caseId: body.caseId, taskId: escalation.taskId, escalationId: escalation.id };
  });
  afterAll(async () => {
    await stack.teardown();
  });

  describe.each(labelled)('$label', (row) => {
    const order = (Object.keys(row.expect) as Caller[]).sort((a, b) => Number(row.expect[a]! < 300) - Number(row.expect[b]! < 300));
    it.each(order)(`when %s calls it, then the answer is as in the table`, async (caller) => {
      const res = await call(row, stack, callers[caller], ids);
      expect({ caller, status: res.status }).toEqual({ caller, status: row.expect[caller] });
    });
  });

  it('when the table is compared with the API, then it covers every authenticated operation', () => {
    const covered = new Set(labelled.map((r) => r.id));
    const authenticated = operations.filter((o) => o.access !== 'public').map((o) => o.id);
    expect(authenticated.filter((id) => !covered.has(id))).toEqual([]);
    expect([...covered].filter((id) => !operationById.has(id))).toEqual([]);
  });

  it('when staff list tasks or a supervisor lists escalations, then only their own units appear', async () => {
    const mine = await stack.as(callers.staffOwnUnit).get('/tasks?status=all').expect(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(new Set(mine.body.items.map((t: { unit: string }) => t.unit))).toEqual(new Set([unit]));
    const theirs = await stack.as(callers.staffOtherAgency).get('/tasks?status=all').expect(200);
    expect(theirs.body).toMatchObject({ total: 0, items: [] });
    const escalations = await stack.as(callers.supervisorOwnUnit).get('/escalations?status=all').expect(200);
    expect(escalations.body.items.map((e: { escalationId: string }) => e.escalationId)).toContain(ids.escalationId);
    const otherEscalations = await stack.as(callers.supervisorOtherAgency).get('/escalations?status=all').expect(200);
    expect(otherEscalations.body.total).toBe(0);
  });

  it('when a change is made with a token, then the actor recorded is the token subject, named where the staff directory has a name', async () => {
    const view = await stack.as(callers.coordinator).get(`/cases/${ids.caseId}`).expect(200);
    const task = view.body.tasks.find((t: { taskId: string }) => t.taskId === ids.taskId);
    // Staff whose token carries no name: the id, and no name.
    expect(task).toMatchObject({ status: 'completed', completedBy: callers.staffOwnUnit.sub, completedByName: null });
    expect(task.extensions.map((e: { extendedBy: string; extendedByName: string | null }) => [e.extendedBy, e.extendedByName])).toEqual([[callers.supervisorOwnUnit.sub, 'Siv Lind']]);
    const acknowledged = { acknowledgedBy: callers.supervisorOwnUnit.sub, acknowledgedByName: 'Siv Lind' };
    expect(task.escalations.find((e: { escalationId: string }) => e.escalationId === ids.escalationId)).toMatchObject(acknowledged);
    // The supervisor's list of escalations names them the same way.
    const listed = await stack.as(callers.supervisorOwnUnit).get('/escalations?status=all&limit=200').expect(200);
    expect(listed.body.items.find((e: { escalationId: string }) => e.escalationId === ids.escalationId)).toMatchObject(acknowledged);
  });

  it('when a case does not exist, then even a coordinator gets the same 404 as an unshared case', async () => {
    const missing = await stack.as(callers.coordinator).get('/cases/VPC-2026-NOSUCH00').expect(404);
    const unshared = await stack.as(callers.staffOtherAgency).get(`/cases/${ids.caseId}`).expect(404);
    expect(unshared.body).toEqual(missing.body);
  });

  describe('authentication', () => {
    const staff = callers.staffOwnUnit;
    it.each([
      ['no token', () => undefined],
      ['an expired token', (s: Stack) => s.issuer.token(staff, { exp: Math.floor(Date.now() / 1000) - 60 })],
      ['a token for another audience', (s: Stack) => s.issuer.token(staff, { aud: 'someone-else' })],
      ['a token from another issuer', (s: Stack) => s.issuer.token(staff, { iss: 'https://evil.example' })],
      ['a token without a subject', (s: Stack) => s.issuer.token(staff, { sub: undefined })],
      ['a tampered token', (s: Stack) => s.issuer.token(staff).replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify({ sub: 'x', roles: ['coordinator'] })).toString('base64url')}.`)],
      ['a malformed header', () => 'not a jwt at all'],
      // Only access tokens (RFC 9068): an ID token from the same issuer, or a token that states no type, is not one.
      ['an ID token (typ JWT)', (s: Stack) => s.issuer.token(staff, {}, { typ: 'JWT' })],
      ['a token with no typ', (s: Stack) => s.issuer.token(staff, {}, { typ: undefined })],
    ])('when a request carries %s, then it is refused with 401 and WWW-Authenticate', async (_what, token) => {
      const req = contractRequest(stack.app).get('/tasks');
      const t = token(stack);
      if (t !== undefined) void req.set('Authorization', `Bearer ${t}`);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('when an ID token is sent, then the 401 says it is not an access token; the media-type form application/at+jwt is one', async () => {
      const id = await contractRequest(stack.app).get('/tasks').set('Authorization', `Bearer ${stack.issuer.token(staff, {}, { typ: 'JWT' })}`);
      expect(id.body.error.message).toBe('the token is not valid (not an access token: typ must be at+jwt)');
      const long = await contractRequest(stack.app).get('/tasks').set('Authorization', `Bearer ${stack.issuer.token(staff, {}, { typ: 'application/at+jwt' })}`);
      expect(long.status).toBe(200);
    });

    it('when a token is signed by a key the app does not trust, then it is refused with 401', async () => {
      const { createTestIssuer } = await import('../support/tokens');
      const stranger = createTestIssuer();
      const res = await contractRequest(stack.app).get('/tasks').set('Authorization', `Bearer ${stranger.token(staff)}`);
      expect(res.status).toBe(401);
    });
  });

  describe('the API contract', () => {
    it('when bad input is sent, then a 400 names each offending field', async () => {
      const res = await stack.api.post('/cases').send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'nope', subject: {} } });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['referral.category', 'referral.subject.ageYears']);
      const query = await stack.api.get('/tasks?overdue=maybe&limit=0&dueBefore=yesterday');
      expect(query.status).toBe(400);
      expect(query.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dueBefore', 'limit', 'overdue']);
      const unknown = await stack.api.get('/audit?who=me');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.fields).toEqual([{ field: 'who', problem: 'is not a known field' }]);
    });

    it('when a body is larger than the limit, then it is refused with 413 and nothing is started', async () => {
      const before = await stack.db.prisma.case.count();
      const res = await stack.api.post('/cases').send({ ...referral, referral: { ...referral.referral, narrative: 'x'.repeat(200_000) } });
      expect(res.status).toBe(413);
      expect(await stack.db.prisma.case.count()).toBe(before);
    });

    it('when one token exceeds its rate limit, then it gets 429 while another token is still served', async () => {
      const limited = stack.appWith({ rateLimitPerMinute: 3 });
      const busy = stack.issuer.token({ sub: 'acc-busy', roles: ['staff'], units: [unit] });
      const calm = stack.issuer.token({ sub: 'acc-calm', roles: ['staff'], units: [unit] });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await contractRequest(limited).get('/tasks').set('Authorization', `Bearer ${busy}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const other = await contractRequest(limited).get('/tasks').set('Authorization', `Bearer ${calm}`);
      expect(other.status).toBe(200);
    });

    it('when the OpenAPI document is compared with the Express router, then every route is documented and nothing else', async () => {
      const doc = (await stack.api.get('/openapi.json').set('Authorization', '').expect(200)).body;
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
        .sort();
      const router = (stack.app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
      const served = router.stack
        .filter((layer) => layer.route)
        .flatMap((layer) => Object.keys(layer.route!.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${layer.route!.path}`))
        .sort();
      expect(served.length).toBeGreaterThan(10);
      expect(documented).toEqual(served);
      // Parameters come from the zod schemas the routes validate with.
      const search = doc.paths['/tasks'].get.parameters.map((p: { name: string }) => p.name).sort();
      expect(search).toEqual(['caseType', 'dueBefore', 'limit', 'mine', 'offset', 'overdue', 'status', 'unit']);
      expect(doc.paths['/cases'].post.requestBody.content['application/json'].schema.required).toEqual(['caseType', 'referral']);
    });
  });
});
