import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { fastYouthConcernPolicy } from '../support/policies';
import { roles } from '../../domain/auth';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * Throws malformed and hostile requests at every route of the app (enumerated from its router,
 * so a new route is covered the day it is added) and checks that the answer is a clean 4xx with
 * an error code, never a 5xx, and that nothing was written.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);

interface Route {
  method: 'get' | 'post';
  path: string;
}

function routesOf(app: Stack['app']): Route[] {
  const stack = (app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router.stack;
  return stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((method) => ({ method: method as Route['method'], path: layer.route!.path })) : [],
  );
}

// Routes that take no input at all: any request to them is legitimate, so they must only stay below 500.
// Routes that take no input at all: any query is ignored, so only "below 500" applies.
const inputless = new Set(['/health', '/ready', '/openapi.json', '/admin/policies', '/admin/routing']);

const injection = [
  "' OR '1'='1",
  "'; DROP TABLE \"case\"; --",
  '{"$gt":""}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  '%00',
  'NaN',
  '-1',
  '1e309',
];
const oddUnicode = ['\u0000', '\u202e\u0645\u0631\u062d\u0628\u0627', 'Ω≈ç√∫', '\ud83d\ude00'.repeat(40), 'A\u0301\u0301\u0301', '\ufeff', 'İstanbul', '\u2028\u2029'];
const hostileString = fc.oneof(fc.constantFrom(...injection, ...oddUnicode), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 300 }));
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.constant({ __proto__: { admin: true } }),
);

type Body = Record<string, unknown>;

/** A random string can happen to be a fine value (a unit code like "tf"); that one is not hostile. */
function validQueryValue(key: string, value: string): boolean {
  if (key === 'unit') return /^[a-z][a-z0-9-]{1,63}$/.test(value);
  if (key === 'status') return ['open', 'completed', 'acknowledged', 'resolved', 'pending', 'sending', 'failing', 'sent', 'all'].includes(value);
  return /^\d{1,9}$/.test(value);
}

interface Fixture {
  caseId: string;
  taskId: string;
  escalationId: string;
}

/** A valid body per POST route, with the value paths a mutation may target and how each can be made invalid. */
function validBody(path: string): { body: Body; strings: string[][]; enums: string[][]; required: string[][] } {
  switch (path) {
    case '/cases':
      return {
        body: {
          caseType: 'youth-concern',
          referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 15, displayName: 'Test Person' }, narrative: 'x' },
        },
        strings: [['referral', 'narrative'], ['referral', 'subject', 'displayName']],
        // sourceAgency is checked by shape only (not against the registry), so a hostile word can be valid.
        enums: [['caseType'], ['referral', 'category'], ['referral', 'urgency']],
        required: [['caseType'], ['referral'], ['referral', 'category'], ['referral', 'subject'], ['referral', 'subject', 'ageYears']],
      };
    case '/tasks/:taskId/complete':
      return { body: { outcome: 'no-immediate-risk', note: 'ok' }, strings: [['note']], enums: [['outcome']], required: [['outcome']] };
    case '/tasks/:taskId/extend':
      return {
        body: { newDueAt: '2099-01-01T00:00:00Z', justification: 'a written justification' },
        strings: [['justification']],
        enums: [['newDueAt']],
        required: [['newDueAt'], ['justification']],
      };
    default:
      return { body: { note: 'seen' }, strings: [['note']], enums: [], required: [] };
  }
}

function setPath(body: Body, path: string[], value: unknown, remove = false): Body {
  const copy = structuredClone(body);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (remove) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

interface FuzzRequest {
  kind: 'hostile' | 'probe';
  mutation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function requestArb(routes: Route[], fx: Fixture): fc.Arbitrary<FuzzRequest> {
  const foreignIds = [fx.caseId, fx.taskId, fx.escalationId, 'soc-children-youth'];
  const hostileId = fc.oneof(
    hostileString.map((s) => encodeURIComponent(s) || '%20'),
    fc.constantFrom('%E0%A4%A', '%', '..%2F..%2F', 'a'.repeat(5_000), '%00', 'VPC-2026-00000000'),
  );
  const anyId = fc.oneof(fc.constantFrom(...foreignIds).map(encodeURIComponent), hostileId);

  return fc.constantFrom(...routes).chain((route) => {
    const params = route.path.match(/:[A-Za-z]+/g) ?? [];
    const fill = (ids: string[]) => params.reduce((p, param, i) => p.replace(param, ids[i]), route.path);

    if (route.method === 'get') {
      const queryArb = fc.oneof(
        fc
          .record({ k: fc.constantFrom('status', 'limit', 'offset', 'unit'), v: hostileString })
          .filter(({ k, v }) => !validQueryValue(k, v))
          .map(({ k, v }) => ({ m: 'bad-query-value', q: `${k}=${encodeURIComponent(v)}` })),
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !['status', 'limit', 'offset', 'unit'].includes(k)).map((k) => ({ m: 'unknown-query', q: `${encodeURIComponent(k)}=1` })),
        fc.constantFrom('limit=-1', 'limit=100000', 'offset=-5', 'limit=1e3', 'status=open&status=all', 'limit[]=1', 'status[$ne]=x', 'offset=9999999999').map((q) => ({ m: 'out-of-range-query', q })),
      );
      if (inputless.has(route.path)) {
        return queryArb.map(({ m, q }) => ({ kind: 'probe' as const, mutation: `inputless-${m}`, method: 'GET', url: `${route.path}?${q}`, headers: {} }));
      }
      if (params.length > 0) {
        return fc.oneof(
          fc.array(hostileId, { minLength: params.length, maxLength: params.length }).map((ids) => ({
            kind: route.path === '/units/:unitCode/tasks' || route.path === '/cases/:caseId' ? ('hostile' as const) : ('hostile' as const),
            mutation: 'hostile-id',
            method: 'GET',
            url: fill(ids),
            headers: {},
          })),
          // Someone else's case, read without credentials: allowed until access control lands, so only "below 500".
          fc.constantFrom(...foreignIds).map((id) => ({ kind: 'probe' as const, mutation: 'foreign-id-read', method: 'GET', url: fill([encodeURIComponent(id)]), headers: {} })),
          fc.tuple(fc.constantFrom(...foreignIds), queryArb).map(([id, { m, q }]) => ({
            kind: route.path === '/cases/:caseId' ? ('probe' as const) : ('hostile' as const),
            mutation: `foreign-id-${m}`,
            method: 'GET',
            url: `${fill([encodeURIComponent(id)])}?${q}`,
            headers: {},
          })),
        );
      }
      return queryArb.map(({ m, q }) => ({ kind: 'hostile' as const, mutation: m, method: 'GET', url: `${route.path}?${q}`, headers: {} }));
    }

    const base = validBody(route.path);
    const json = (b: unknown) => Buffer.from(JSON.stringify(b));
    const bodyMutation: fc.Arbitrary<{ m: string; body: Buffer; ct?: string }> = fc.oneof(
      fc.tuple(fc.constantFrom(...[...base.strings, ...base.enums, ...base.required]), wrongValue).chain(([p, v]) =>
        fc.constant({ m: 'wrong-type', body: json(setPath(base.body, p, v)) }),
      ).filter(({ body }) => !isStillValid(route.path, body)),
      fc.tuple(fc.constantFrom(...(base.strings.length ? base.strings : [['note']])), fc.integer({ min: 20_001, max: 40_000 })).map(([p, n]) => ({
        m: 'too-long',
        body: json(setPath(base.body, p, 'ü'.repeat(n))),
      })),
      fc.constant({ m: 'huge-payload', body: json({ ...base.body, note: 'x'.repeat(150_000) }) }),
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in base.body) && k !== '__proto__'), fc.jsonValue()).map(([k, v]) => ({
        m: 'unknown-field',
        body: json({ ...base.body, [k]: v }),
      })),
      ...(base.enums.length
        ? [fc.tuple(fc.constantFrom(...base.enums), hostileString).map(([p, s]) => ({ m: 'hostile-enum', body: json(setPath(base.body, p, s)) }))]
        : []),
      ...(base.required.length
        ? [fc.constantFrom(...base.required).map((p) => ({ m: 'missing-field', body: json(setPath(base.body, p, undefined, true)) }))]
        : []),
      fc.oneof(
        fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => ({ m: 'not-an-object', body: json(v) })),
        fc.constantFrom('{', '{"outcome":', '\u0000', '{"a":1,}', 'null', "{'single':'quotes'}").map((t) => ({ m: 'broken-json', body: Buffer.from(t) })),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ m: 'binary-as-json', body: Buffer.concat([Buffer.from('{"'), Buffer.from(bytes)]) })),
      ),
    );
    const hostileHeader = fc.oneof(
      // A broken or forged credential in place of the caller's token: 401, whatever the body.
      fc
        .string({ minLength: 1, maxLength: 200 })
        .map((s) => s.replace(/[^\x20-\x7e]/g, ' ').trim())
        .filter((s) => s.length > 0)
        .chain((v) => fc.constantFrom({ authorization: v }, { authorization: `Bearer ${v}` }, { authorization: `Basic ${v}` })),
      ...(route.path === '/cases'
        ? [fc.constantFrom('short', 'has space here', 'x'.repeat(300), 'semi;colon;key').map((v) => ({ 'idempotency-key': v }))]
        : []),
    );
    const validBodyBytes = json(base.body);
    return fc.oneof(
      fc.tuple(anyId.chain((id) => fc.constant(fill(params.map(() => id)))), bodyMutation).map(([url, { m, body, ct }]) => ({
        kind: 'hostile' as const,
        mutation: m,
        method: 'POST',
        url,
        headers: { 'content-type': ct ?? 'application/json' },
        body,
      })),
      // A valid body aimed at an id that does not exist or is malformed.
      ...(params.length > 0
        ? [
            hostileId.map((id) => ({
              kind: 'hostile' as const,
              mutation: 'valid-body-hostile-id',
              method: 'POST',
              url: fill(params.map(() => id)),
              headers: { 'content-type': 'application/json' },
              body: validBodyBytes,
            })),
          ]
        : []),
      // A valid body and someone else's id with a malformed identity header.
      fc.tuple(fc.constantFrom(...foreignIds), hostileHeader).map(([id, h]) => ({
        kind: 'hostile' as const,
        mutation: 'hostile-header',
        method: 'POST',
        url: fill(params.map(() => encodeURIComponent(id))),
        headers: { 'content-type': 'application/json', ...h },
        body: validBodyBytes,
      })),
    );
  });
}

/** A few wrong-type mutations happen to be valid (e.g. an optional field set to a fitting value); those are not hostile. */
function isStillValid(path: string, body: Buffer): boolean {
  const value = JSON.parse(body.toString()) as Body;
  if (path === '/escalations/:escalationId/acknowledge') return value.note === undefined || typeof value.note === 'string';
  return false;
}

/** Requests carry a superuser's token so they reach validation; refusing the token is access.test's job. */
let bearer = '';

function send(agent: http.Agent, port: number, r: FuzzRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.url, agent, headers: { authorization: bearer, ...r.headers, ...(r.body ? { 'content-length': r.body.length } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer in 15 s to ${r.method} ${r.url.slice(0, 200)} [${r.mutation}]`)));
    req.end(r.body);
  });
}

describe('every route under malformed and hostile input', () => {
  let stack: Stack;
  let server: http.Server;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let fixture: Fixture;

  beforeAll(async () => {
    stack = await startStack('fuzz', {
      policy: fastYouthConcernPolicy('test-fuzz', {
        protectionAssessment: { deadline: { kind: 'span', span: { amount: 1, unit: 'seconds' } }, reminders: [], escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }] },
      }),
    });
    bearer = `Bearer ${stack.issuer.token({ sub: 'fuzz', roles: [...roles], units: stack.unitCodes, supervisedUnits: stack.unitCodes })}`;
    server = stack.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    // Someone else's case, with an open task and an open escalation whose ids the fuzz aims at.
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 15 } } })
      .expect(201);
    const escalation = await eventually('an escalation on the fixture case', () => stack.db.prisma.escalation.findFirst({ where: { caseId: body.caseId } }));
    await eventually('its notifications sent', async () => (await stack.db.prisma.notification.count({ where: { status: 'sent' } })) === 2);
    fixture = { caseId: body.caseId, taskId: escalation.taskId, escalationId: escalation.id };
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise((r) => server?.close(r));
    await stack.teardown();
  });

  const fingerprint = async () =>
    JSON.stringify(
      await stack.db.prisma.$queryRawUnsafe(`SELECT
        (SELECT count(*) FROM "case")::int AS cases, (SELECT count(*) FROM case_subject)::int AS subjects,
        (SELECT count(*) FROM task)::int AS tasks, (SELECT count(*) FROM task WHERE status <> 'open')::int AS done,
        (SELECT count(*) FROM deadline_extension)::int AS extensions, (SELECT count(*) FROM escalation WHERE status <> 'open')::int AS closed,
        (SELECT count(*) FROM notification)::int AS notifications, (SELECT max(updated_at) FROM task) AS touched`),
    );

  it(`when ${runs} malformed and hostile requests hit every route, then each gets a clean 4xx (or, for reads that need no input, a non-5xx) and nothing is written`, async () => {
    const routes = routesOf(stack.app);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const before = await fingerprint();
    const statuses = new Map<number, number>();
    const perRoute = new Map<string, number>();
    const perMutation = new Map<string, number>();
    let count = 0;

    await fc.assert(
      fc.asyncProperty(requestArb(routes, fixture), async (r) => {
        count += 1;
        if (process.env.FUZZ_TRACE) process.stderr.write(`${count} ${r.method} ${r.url.slice(0, 80)} [${r.mutation}]\n`);
        const res = await send(agent, port, r);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const routeKey = `${r.method} ${r.url.split('?')[0].replace(/\/[^/]*$/, '/…').slice(0, 40)}`;
        perRoute.set(routeKey, (perRoute.get(routeKey) ?? 0) + 1);
        perMutation.set(r.mutation, (perMutation.get(r.mutation) ?? 0) + 1);
        const what = `${r.method} ${r.url.slice(0, 200)} [${r.mutation}] → ${res.status} ${res.body.slice(0, 300)}`;
        if (res.status >= 500) throw new Error(`server error: ${what}`);
        if (r.kind === 'hostile' && (res.status < 400 || res.status >= 500)) throw new Error(`hostile request not refused: ${what}`);
        if (res.status >= 400) {
          const parsed = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
          if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string') throw new Error(`unclean error body: ${what}`);
        }
        // Every refused write is checked at once; reads (which never write) in batches, for speed.
        if (r.method === 'POST' || count % 100 === 0) {
          const after = await fingerprint();
          if (after !== before) throw new Error(`rows changed after ${what}: ${before} → ${after}`);
        }
      }),
      { numRuns: runs, endOnFailure: true, timeout: 20_000 },
    );
    const table = (m: Map<string | number, number>) => [...m.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`fuzz: ${count} requests over ${routes.length} routes, 0 server errors.\n  statuses: ${table(statuses)}\n  mutations: ${table(perMutation)}`);
    expect(count).toBe(runs);
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(await fingerprint()).toBe(before);
    // 10,000 round trips take 1–2 minutes on a quiet 2-core machine; a shared one needs room.
  }, 900_000);
});
