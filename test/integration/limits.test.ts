import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { jwksMaxAgeMs } from '../../api/auth';
import { connectSharedCounters, type SharedCounters } from '../../api/redis';
import { localRedisUrl, redisAnswers } from '../../dev/localRedis';
import type { PrismaClient } from '../../prisma/client';
import { contractRequest, eventually, startStack, type Stack } from '../support/stack';
import { createTestIssuer, type Identity } from '../support/tokens';

const staff: Identity = { sub: 'lim-staff', roles: ['staff'], units: ['soc-children-youth'] };
const auditor: Identity = { sub: 'lim-auditor', roles: ['auditor'] };
const dayMs = 86_400_000;
const fieldsOf = (res: { body: { error: { fields?: Array<{ field: string }> } } }) => res.body.error.fields?.map((f) => f.field);

/** An identity provider's jwks_uri: serves whatever key set it is given, and notes when it was fetched. */
async function jwksServer(keys: unknown) {
  const fetches: number[] = [];
  const server = http.createServer((_req, res) => {
    fetches.push(Date.now());
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(keys));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    fetches,
    serve: (next: unknown) => (keys = next),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('limits: report spans, paging, readiness, rates and tokens', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('limits', { worker: false });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a report spans more than a year, then it is refused with 400 naming its dates; without dates it covers the year up to now', async () => {
    const wide = await stack.api.get('/reports/tasks?from=2024-01-01T00:00:00Z&to=2025-06-01T00:00:00Z').expect(400);
    expect(fieldsOf(wide)).toEqual(['from', 'to']);
    expect(wide.body.error.fields[0].problem).toBe('from and to may be at most 366 days apart (to left out means now)');
    expect(fieldsOf(await stack.api.get('/reports/tasks.csv?from=2020-01-01T00:00:00Z').expect(400))).toEqual(['from']);
    expect(fieldsOf(await stack.api.get('/reports/tasks?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').expect(400))).toEqual(['from', 'to']);

    const year = await stack.api.get('/reports/tasks?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z').expect(200);
    expect(year.body).toMatchObject({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    const before = Date.now();
    const latest = await stack.api.get('/reports/tasks').expect(200);
    const [from, to] = [Date.parse(latest.body.from), Date.parse(latest.body.to)];
    expect(to).toBeGreaterThanOrEqual(before - 1_000);
    expect(to - from).toBe(366 * dayMs);
  });

  it('when a list is paged past 10,000 rows, then 400 names the offset; and a count stops at 10,000, saying so', async () => {
    const deep = await stack.as(auditor).get('/audit?offset=10001').expect(400);
    expect(deep.body.error.fields).toEqual([{ field: 'offset', problem: 'must be at most 10000: narrow the filters to reach older rows' }]);
    expect(fieldsOf(await stack.api.get('/tasks?offset=1000000').expect(400))).toEqual(['offset']);

    await stack.db.prisma.$executeRawUnsafe(`
      INSERT INTO audit_event (id, at, actor, actor_roles, action, method, route, status)
      SELECT gen_random_uuid(), now(), 'lim-bulk', '', 'case.read', 'GET', '/cases/:caseId', 200 FROM generate_series(1, 10050)`);
    const last = await stack.as(auditor).get('/audit?actor=lim-bulk&limit=2&offset=10000').expect(200);
    expect(last.body).toMatchObject({ total: 10_000, totalCapped: true, limit: 2, offset: 10_000 });
    expect(last.body.items).toHaveLength(2);
    const few = await stack.as(auditor).get('/audit?actor=lim-auditor').expect(200);
    expect(few.body).toMatchObject({ total: few.body.items.length, totalCapped: false });
  });

  it('when /ready is called over and over, then the database is asked once a second at most, and callers in between get that answer', async () => {
    const checks: number[] = [];
    // The app's database client, noting each readiness query (the only raw query /ready makes).
    const counting = new Proxy(stack.db.prisma, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop !== '$queryRawUnsafe' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          checks.push(Date.now());
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as PrismaClient;
    const app = stack.appWith({}, { prisma: counting });
    const ready = () => contractRequest(app).get('/ready').expect(200);
    // Ten at once, then one after another for half a second: one check answers them all.
    await Promise.all(Array.from({ length: 10 }, ready));
    const started = Date.now();
    while (Date.now() - started < 500) await ready();
    expect(checks).toHaveLength(1);
    await eventually('a second check, once the first is a second old', async () => {
      await ready();
      return checks.length === 2;
    });
    expect(checks[1] - checks[0]).toBeGreaterThanOrEqual(1_000);
  });

  describe('the per-address limit, before authentication', () => {
    const opened: SharedCounters[] = [];
    afterAll(async () => {
      await Promise.all(opened.map((c) => c.close()));
    });
    /** One "API process" on this stack, counting in `counters`, behind a proxy on loopback. */
    const apiProcess = (counters: SharedCounters, limit: number) => {
      opened.push(counters);
      return stack.appWith({ trustProxy: ['loopback'], addressRateLimitPerMinute: limit }, { sharedCounters: counters });
    };
    const from = (app: Express, address: string) => contractRequest(app, (test) => test.set('X-Forwarded-For', address)).get('/tasks');
    const statuses = async (calls: Array<[Express, string]>) => {
      const out: number[] = [];
      for (const [app, address] of calls) out.push((await from(app, address)).status);
      return out;
    };

    it('when one address goes over its limit across two API processes sharing Redis, then it gets 429 without its token being looked at, and another address is still served', async () => {
      if (!(await redisAnswers(localRedisUrl))) throw new Error(`this test needs Redis at ${localRedisUrl} (it runs there in development and CI)`);
      const prefix = `samverkan-test-${randomBytes(4).toString('hex')}:`;
      const counters = [connectSharedCounters(localRedisUrl, prefix), connectSharedCounters(localRedisUrl, prefix)];
      await eventually('both connected to Redis', async () => counters.every((c) => c.ready));
      const [one, two] = counters.map((c) => apiProcess(c, 4));
      const address = '198.51.100.30';
      // No token at all: 401 while the address is within its limit, 429 after it, from either process.
      expect(await statuses([[one, address], [two, address], [one, address], [two, address], [one, address], [two, address]])).toEqual([401, 401, 401, 401, 429, 429]);
      expect(await statuses([[two, '198.51.100.31']])).toEqual([401]);
    });

    it('when Redis cannot be reached, then each process counts the limit in its own memory', async () => {
      const away = () => connectSharedCounters('redis://127.0.0.1:1', 'unreachable:');
      const [one, two] = [apiProcess(away(), 2), apiProcess(away(), 2)];
      expect(await statuses([[one, '198.51.100.40'], [one, '198.51.100.40'], [one, '198.51.100.40'], [two, '198.51.100.40']])).toEqual([401, 401, 429, 401]);
    });
  });

  it('when a key is removed from the identity provider, then tokens signed with it are refused within the JWKS cache age, remembered tokens included', async () => {
    const maxAge = 1_500; // the default, a minute, is checked last
    const [before, after] = [createTestIssuer(), createTestIssuer()];
    const idp = await jwksServer(before.auth.publicKeys);
    try {
      const app = stack.appWith({ auth: { issuer: before.auth.issuer, audience: before.auth.audience, jwksUrl: idp.url, jwksMaxAgeMs: maxAge } });
      const token = before.token(staff);
      const call = (t = token) => contractRequest(app).get('/tasks').set('Authorization', `Bearer ${t}`);
      await call().expect(200);
      await call().expect(200); // now remembered as verified
      const fetched = idp.fetches.at(-1)!;
      idp.serve(after.auth.publicKeys);
      const refusedAt = await eventually('the removed key refused', async () => (await call()).status === 401 && Date.now(), 10_000);
      expect(refusedAt - fetched).toBeLessThan(maxAge + 1_000);
      await call(after.token(staff)).expect(200);
    } finally {
      await idp.close();
    }
    expect(jwksMaxAgeMs).toBe(60_000);
  });
});
