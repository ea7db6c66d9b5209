import { ErrorCode } from '../../domain/errors';
import { onceOpened } from '../support/cases';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const span = (amount: number) => ({ kind: 'span' as const, span: { amount, unit: 'seconds' as const } });

const callers = {
  coordinator: { sub: 'search-coordinator', roles: ['coordinator'] },
  handlaggare: { sub: 'search-handlaggare', roles: ['staff'], units: ['soc-children-youth'] },
  police: { sub: 'search-police', roles: ['staff'], units: ['police-local'] },
  auditor: { sub: 'search-auditor', roles: ['auditor'] },
} satisfies Record<string, Identity>;

interface Found {
  total: number;
  items: Array<{ caseId: string; caseType: string; status: string; overdue: boolean }>;
}
const ids = (body: Found) => body.items.map((c) => c.caseId).sort();

describe('finding cases', () => {
  let stack: Stack;
  // One person with two cases (the second linked to the first), another person with one.
  const person = '20110312-2386';
  const other = '20090505-4011';
  let first: string;
  let second: string;
  let others: string;
  let startedAt: string;

  beforeAll(async () => {
    // The protection assessment lapses after 2 s (so an untouched case is overdue); the next step has an hour.
    stack = await startStack('casesearch', {
      policy: fastYouthConcernPolicy('search-1', {
        protectionAssessment: { deadline: span(2), reminders: [], escalation: [{ after: span(3600).span, target: 'unitSupervisor' }] },
        investigationDecision: { deadline: span(3600), reminders: [], escalation: [{ after: span(3600).span, target: 'unitSupervisor' }] },
      }),
    });
    startedAt = new Date(Date.now() - 1000).toISOString();
    const start = async (personalIdentityNumber: string) =>
      (
        await stack
          .as(callers.coordinator)
          .post('/cases')
          .send({ caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'threat', subject: { personalIdentityNumber, ageYears: 15 } } })
          .expect(201)
      ).body.caseId as string;
    first = await start(person);
    second = await start(person.replace('-', ''));
    others = await start(other);
    for (const caseId of [first, second, others]) {
      await eventually('the protection assessment', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'protectionAssessment', status: 'open' } }), 60_000);
    }
    // The first case's assessment is done in time; the others lapse.
    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { caseId: first, stepKey: 'protectionAssessment' } });
    const done = await onceOpened(() => stack.as(callers.handlaggare).post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }));
    expect(done.status).toBe(200);
    await eventually('the decision step', () => stack.db.prisma.task.findFirst({ where: { caseId: first, stepKey: 'investigationDecision', status: 'open' } }), 60_000);
    await eventually('the others to lapse', () => stack.db.prisma.task.findFirst({ where: { caseId: others, status: 'open', dueAt: { lt: new Date() } } }), 30_000);
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it("when a coordinator searches by personnummer, in any way of writing it, then the person's cases are found through the keyed hash, and the audit row names them without the number", async () => {
    for (const written of [person, '201103122386', '110312-2386']) {
      const res = await stack.as(callers.coordinator).post('/cases/search').send({ personalIdentityNumber: written }).expect(200);
      expect(ids(res.body)).toEqual([first, second].sort());
    }
    const narrowed = await stack.as(callers.coordinator).post('/cases/search').send({ personalIdentityNumber: person, overdue: true }).expect(200);
    expect(ids(narrowed.body)).toEqual([second]);
    const nobody = await stack.as(callers.coordinator).post('/cases/search').send({ personalIdentityNumber: '20100101-2002' }).expect(200);
    expect(nobody.body).toMatchObject({ total: 0, items: [] });

    const trail = await stack.as(callers.auditor).get('/audit?action=case.search&actor=search-coordinator&limit=200').expect(200);
    const results = trail.body.items.filter((r: { phase: string }) => r.phase === 'result');
    expect(results.length).toBe(5);
    expect(results.map((r: { detail: { caseIds: string[] } }) => r.detail.caseIds.sort())).toContainEqual([first, second].sort());
    const text = JSON.stringify(trail.body);
    for (const needle of ['20110312', '201103122386', '110312']) expect(text).not.toContain(needle);
    expect(results[0].detail).toMatchObject({ personalIdentityNumber: 'given' });
  });

  it('when a coordinator searches by id, status, type, unit, overdue and date range, then each filter narrows, pages are capped like other lists, and the audit row names the cases returned', async () => {
    const as = stack.as(callers.coordinator);
    expect(ids((await as.get(`/cases?caseId=${second}`).expect(200)).body)).toEqual([second]);
    const mine = [first, second, others].sort();
    const within = `from=${encodeURIComponent(startedAt)}`;
    expect(ids((await as.get(`/cases?${within}&caseType=youth-concern&status=open&unit=soc-children-youth`).expect(200)).body)).toEqual(mine);
    expect(ids((await as.get(`/cases?${within}&overdue=true`).expect(200)).body)).toEqual([second, others].sort());
    expect(ids((await as.get(`/cases?${within}&overdue=false`).expect(200)).body)).toEqual([first]);
    expect((await as.get(`/cases?${within}&caseType=exit-programme`).expect(200)).body.total).toBe(0);
    expect((await as.get(`/cases?${within}&unit=police-local`).expect(200)).body.total).toBe(0);
    expect((await as.get(`/cases?to=${encodeURIComponent(startedAt)}`).expect(200)).body.total).toBe(0);

    const page = await as.get(`/cases?${within}&limit=1&offset=1`).expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.items).toHaveLength(1);

    const trail = await stack.as(callers.auditor).get(`/audit?action=case.list&actor=search-coordinator&limit=1`).expect(200);
    expect(trail.body.items[0]).toMatchObject({ method: 'GET', route: '/cases', status: 200, detail: { returned: 1, caseIds: page.body.items.map((c: { caseId: string }) => c.caseId) } });
    await as.get('/cases?offset=10001').expect(400);
  });

  it('when a search names a range that ends before it starts, then it is refused with both fields named instead of finding nothing', async () => {
    const fieldsOf = (res: { body: { error: { code: string; fields: { field: string; problem: string }[] } } }) => {
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
      return res.body.error.fields.map((f) => `${f.field}: ${f.problem}`);
    };
    const as = stack.as(callers.coordinator);
    const reversed = { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
    const expected = ['from: from must be earlier than to', 'to: from must be earlier than to'];
    expect(fieldsOf(await as.get(`/cases?from=${reversed.from}&to=${reversed.to}`).expect(400))).toEqual(expected);
    expect(fieldsOf(await as.post('/cases/search').send({ personalIdentityNumber: person, ...reversed }).expect(400))).toEqual(expected);
    // An empty range is as wrong as a reversed one; a range of one instant onwards is fine.
    await as.get(`/cases?from=${reversed.to}&to=${reversed.to}`).expect(400);
    await as.get(`/cases?from=${reversed.to}&to=${reversed.from}`).expect(200);
  });

  it('when staff search, then they find only the cases the need-to-know rule lets them see, and may not search by personnummer', async () => {
    const staff = await stack.as(callers.handlaggare).get(`/cases?from=${encodeURIComponent(startedAt)}`).expect(200);
    expect(ids(staff.body)).toEqual([first, second, others].sort());
    const police = await stack.as(callers.police).get('/cases').expect(200);
    expect(police.body).toMatchObject({ total: 0, items: [] });
    await stack.as(callers.police).get(`/cases?caseId=${first}`).expect(200).then((r) => expect(r.body.total).toBe(0));
    await stack.as(callers.handlaggare).get('/cases?unit=police-local').expect(403);
    await stack.as(callers.handlaggare).post('/cases/search').send({ personalIdentityNumber: person }).expect(403);
  });
});
