// The case-start statement is prepared once per connection; this holds PostgreSQL to re-using its
// plan. Were it planned afresh on each call (as it was for anonymous subjects when one text served
// both kinds), every case start would pay ~0.3 ms of database CPU for the planner.
import { randomBytes } from 'node:crypto';
import { Client, type ClientBase } from 'pg';
import { referralBody } from '../../api/schemas';
import { newCaseId, recordCaseQuery, type RecordCaseInput } from '../../api/useCases/recordCase';
import { sqlPool } from '../../prisma/client';
import { publishPolicy } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fastYouthConcernPolicy } from '../support/policies';

/** PostgreSQL tries this many custom plans before it may settle on the generic one. */
const CUSTOM_PLANS_TRIED = 5;
const CALLS = 12;
/** Cases already there: the planner weighs its choice by table size, and an empty table hides the cost. */
const EXISTING_CASES = 3_000;

describe('the case-start statement', () => {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await createTestDatabase('record_case_plan');
    await publishPolicy(db.prisma, fastYouthConcernPolicy('plan-test'));
    // Statistics stay as the fill leaves them (none), not as autovacuum's timing would (the table owner's call, not the app's).
    const admin = new Client({ connectionString: db.adminUrl });
    await admin.connect();
    for (const table of ['"case"', 'case_subject']) await admin.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    await admin.end();
    const filler = await sqlPool(db.prisma).connect();
    for (let i = 0; i < EXISTING_CASES; i++) await record(filler, null);
    filler.release();
    // A new connection, which has not prepared the statements yet: they and their plan counts are per connection.
    client = new Client({ connectionString: db.url });
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  const record = async (on: ClientBase, personalIdentityNumberHash: string | null) => {
    const input: RecordCaseInput = {
      caseId: newCaseId(new Date()),
      caseType: 'youth-concern',
      referral: referralBody.parse({ sourceAgency: 'police', category: 'threat', subject: { ageYears: 15 } }),
      routing: undefined,
      keyHash: undefined,
      requestHash: '',
      startArgs: { receivedAt: new Date().toISOString(), receiptStated: false, routing: { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true } },
      subject: { displayNameEnc: null, personalIdentityNumberEnc: null, personalIdentityNumberHash, ageYears: 15, narrativeEnc: null },
      auditRow: { at: new Date().toISOString(), entry: { principal: { sub: 'plan-test', roles: ['coordinator'], units: [], supervisedUnits: [] }, action: 'case.create', method: 'POST', route: '/cases', status: 201 } },
    };
    const { rows } = await on.query<{ caseId: string | null; linkedCaseId: string | null }>(recordCaseQuery(input));
    return rows[0];
  };

  it('when anonymous and identified cases are recorded repeatedly on one connection, then each kind is planned a few times and then runs on its cached plan', async () => {
    const person = randomBytes(16).toString('hex');
    const first = await record(client, person);
    const recorded = [first];
    for (let i = 0; i < CALLS; i++) recorded.push(await record(client, null), await record(client, i % 2 ? person : randomBytes(16).toString('hex')));
    expect(recorded.every((r) => r.caseId !== null)).toBe(true);
    // Both texts still do their work: an identified person's later cases link to the first.
    expect((await record(client, person)).linkedCaseId).toBe(first.caseId);
    expect((await record(client, null)).linkedCaseId).toBeNull();

    const { rows } = await client.query<{ name: string; generic_plans: string; custom_plans: string }>(
      `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'record-case%' ORDER BY name`,
    );
    expect(rows.map((r) => r.name)).toEqual(['record-case-anonymous', 'record-case-identified']);
    for (const r of rows) {
      expect({ name: r.name, customPlans: Number(r.custom_plans) }).toEqual({ name: r.name, customPlans: CUSTOM_PLANS_TRIED });
      expect(Number(r.generic_plans)).toBeGreaterThanOrEqual(CALLS - CUSTOM_PLANS_TRIED);
    }
  });
});
