import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { z } from 'zod';
import type { Operation } from '../../api/operation';
import { operations } from '../../api/operations';
import { validInput } from '../support/arbitraries';
import { contractProblem } from '../support/contract';
import { fastYouthConcernPolicy } from '../support/policies';
import { roles } from '../../domain/auth';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * Throws malformed and hostile requests at every declared operation (api/operations, so a new
 * route is covered the day it is declared; access.test.ts holds the router to the declarations),
 * mutating valid inputs drawn from each operation's own schemas, and checks that the answer is a
 * clean 4xx with an error code, never a 5xx, that it keeps the declared contract, and that nothing
 * was written.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);

/** Inputs that cannot be read with this operation's schema, or the same input when the mutation left it valid (then it is not hostile). */
const rejects = (schema: z.ZodType | undefined, value: unknown) => schema !== undefined && !schema.safeParse(value).success;

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

interface Fixture {
  caseId: string;
  taskId: string;
  escalationId: string;
}

/** Paths to every value in `value` (objects and arrays walked), for mutations to aim at. */
function pathsIn(value: unknown, prefix: string[] = []): Array<{ path: string[]; leaf: unknown }> {
  if (typeof value !== 'object' || value === null) return prefix.length ? [{ path: prefix, leaf: value }] : [];
  const here = prefix.length ? [{ path: prefix, leaf: value }] : [];
  return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsIn(v, [...prefix, k]))];
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

/** Mutations of a valid body (drawn from the declared schema) that the schema refuses. */
function bodyMutations(op: Operation): fc.Arbitrary<{ m: string; body: Buffer }> {
  const json = (b: unknown) => Buffer.from(JSON.stringify(b));
  const valid: fc.Arbitrary<Body> = op.body ? (validInput(op.body) as fc.Arbitrary<Body>) : fc.constant({});
  const refused = (m: string, body: Body) => ({ m, body, refused: !op.body || rejects(op.body, body) });
  const structural = fc.oneof(
    fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => ({ m: 'not-an-object', body: json(v) })),
    fc.constantFrom('{', '{"outcome":', '\u0000', '{"a":1,}', 'null', "{'single':'quotes'}").map((t) => ({ m: 'broken-json', body: Buffer.from(t) })),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ m: 'binary-as-json', body: Buffer.concat([Buffer.from('{"'), Buffer.from(bytes)]) })),
  );
  const ofValid = valid.chain((base) => {
    const paths = pathsIn(base);
    const strings = paths.filter((p) => typeof p.leaf === 'string').map((p) => p.path);
    const anyPath = paths.length ? fc.constantFrom(...paths.map((p) => p.path)) : fc.constant<string[]>(['note']);
    return fc
      .oneof(
        fc.tuple(anyPath, wrongValue).map(([p, v]) => refused('wrong-type', setPath(base, p, v))),
        fc.tuple(strings.length ? fc.constantFrom(...strings) : fc.constant<string[]>(['note']), fc.integer({ min: 20_001, max: 40_000 })).map(([p, n]) =>
          refused('too-long', setPath(base, p, 'ü'.repeat(n))),
        ),
        fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in base) && k !== '__proto__'), fc.jsonValue()).map(([k, v]) => refused('unknown-field', { ...base, [k]: v })),
        ...(strings.length ? [fc.tuple(fc.constantFrom(...strings), hostileString).map(([p, v]) => refused('hostile-string', setPath(base, p, v)))] : []),
        ...(paths.length ? [anyPath.map((p) => refused('missing-field', setPath(base, p, undefined, true)))] : []),
      )
      .filter((x) => x.refused)
      .map(({ m, body }) => ({ m, body: json(body) }));
  });
  return fc.oneof(ofValid, fc.constant({ m: 'huge-payload', body: json({ note: 'x'.repeat(150_000) }) }), structural);
}

function requestArb(ops: readonly Operation[], fx: Fixture): fc.Arbitrary<FuzzRequest> {
  const foreignIds = [fx.caseId, fx.taskId, fx.escalationId, 'soc-children-youth'];
  const hostileId = fc.oneof(
    hostileString.map((s) => encodeURIComponent(s) || '%20'),
    fc.constantFrom('%E0%A4%A', '%', '..%2F..%2F', 'a'.repeat(5_000), '%00', 'VPC-2026-00000000'),
  );
  const anyId = fc.oneof(fc.constantFrom(...foreignIds).map(encodeURIComponent), hostileId);

  const perOperation = new Map(ops.map((op) => [op, operationRequests(op)]));
  return fc.constantFrom(...ops).chain((op) => perOperation.get(op)!);

  function operationRequests(op: Operation): fc.Arbitrary<FuzzRequest> {
    const params = op.path.match(/:[A-Za-z]+/g) ?? [];
    const fill = (ids: string[]) => params.reduce((p, param, i) => p.replace(param, ids[i]), op.path);
    const queryKeys = Object.keys(op.query?.shape ?? {});
    // An operation that reads no query ignores one: any query it gets is legitimate, so only "below 500" applies.
    const readsQuery = queryKeys.length > 0;

    if (op.method === 'get') {
      const queryArb = fc.oneof(
        fc
          .record({ k: fc.constantFrom(...(readsQuery ? queryKeys : ['status', 'limit'])), v: hostileString })
          .filter(({ k, v }) => !readsQuery || rejects(op.query, { [k]: v }))
          .map(({ k, v }) => ({ m: 'bad-query-value', q: `${k}=${encodeURIComponent(v)}` })),
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !queryKeys.includes(k)).map((k) => ({ m: 'unknown-query', q: `${encodeURIComponent(k)}=1` })),
        fc.constantFrom('limit=-1', 'limit=100000', 'offset=-5', 'limit=1e3', 'status=open&status=all', 'limit[]=1', 'status[$ne]=x', 'offset=9999999999').map((q) => ({ m: 'out-of-range-query', q })),
      );
      const queryKind = readsQuery ? ('hostile' as const) : ('probe' as const);
      if (params.length === 0) return queryArb.map(({ m, q }) => ({ kind: queryKind, mutation: readsQuery ? m : `inputless-${m}`, method: 'GET', url: `${op.path}?${q}`, headers: {} }));
      return fc.oneof(
        fc.array(hostileId, { minLength: params.length, maxLength: params.length }).map((ids) => ({ kind: 'hostile' as const, mutation: 'hostile-id', method: 'GET', url: fill(ids), headers: {} })),
        // Someone else's ids, read with a superuser's token: may well be allowed, so only "below 500".
        fc.constantFrom(...foreignIds).map((id) => ({ kind: 'probe' as const, mutation: 'foreign-id-read', method: 'GET', url: fill(params.map(() => encodeURIComponent(id))), headers: {} })),
        fc.tuple(fc.constantFrom(...foreignIds), queryArb).map(([id, { m, q }]) => ({
          kind: queryKind,
          mutation: `foreign-id-${m}`,
          method: 'GET',
          url: `${fill(params.map(() => encodeURIComponent(id)))}?${q}`,
          headers: {},
        })),
      );
    }

    const validBodyBytes = op.body ? validInput(op.body).map((b) => Buffer.from(JSON.stringify(b))) : fc.constant(Buffer.from('{}'));
    const headerArbs = Object.entries(op.headers?.shape ?? {}).map(([name, schema]) =>
      fc
        .constantFrom('short', 'has space here', 'x'.repeat(300), 'semi;colon;key')
        .filter((v) => rejects(schema as z.ZodType, v))
        .map((v) => ({ [name.toLowerCase()]: v })),
    );
    const hostileHeader = fc.oneof(
      // A broken or forged credential in place of the caller's token: 401, whatever the body.
      fc
        .string({ minLength: 1, maxLength: 200 })
        .map((s) => s.replace(/[^\x20-\x7e]/g, ' ').trim())
        .filter((s) => s.length > 0)
        .chain((v) => fc.constantFrom({ authorization: v }, { authorization: `Bearer ${v}` }, { authorization: `Basic ${v}` })),
      ...headerArbs,
    );
    return fc.oneof(
      fc.tuple(anyId.chain((id) => fc.constant(fill(params.map(() => id)))), bodyMutations(op)).map(([url, { m, body }]) => ({
        kind: 'hostile' as const,
        mutation: m,
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body,
      })),
      // A valid body aimed at an id that does not exist or is malformed.
      ...(params.length > 0
        ? [
            fc.tuple(hostileId, validBodyBytes).map(([id, body]) => ({
              kind: 'hostile' as const,
              mutation: 'valid-body-hostile-id',
              method: 'POST',
              url: fill(params.map(() => id)),
              headers: { 'content-type': 'application/json' },
              body,
            })),
          ]
        : []),
      // A valid body and someone else's id with a malformed identity or declared header.
      fc.tuple(fc.constantFrom(...foreignIds), hostileHeader, validBodyBytes).map(([id, h, body]) => ({
        kind: 'hostile' as const,
        mutation: 'hostile-header',
        method: 'POST',
        url: fill(params.map(() => encodeURIComponent(id))),
        headers: { 'content-type': 'application/json', ...h },
        body,
      })),
    );
  }
}

/** Requests carry a superuser's token so they reach validation; refusing the token is access.test's job. */
let bearer = '';

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

function send(agent: http.Agent, port: number, r: FuzzRequest): Promise<{ status: number; body: string; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.url, agent, headers: { authorization: bearer, ...r.headers, ...(r.body ? { 'content-length': r.body.length } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), contentType: res.headers['content-type'] }));
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
    const routes = operations;
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
        const problem = contractProblem(r.method, r.url, { status: res.status, contentType: res.contentType, body: parseJson(res.body), text: res.body });
        if (problem) throw new Error(`contract: ${problem} [${r.mutation}]`);
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
