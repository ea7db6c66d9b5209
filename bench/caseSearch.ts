// What does a staff member's case search cost, where every candidate case is put to the
// need-to-know rule? Times GET /cases's use-case for a coordinator (one SQL page) and for staff of a
// unit holding a task in each of N cases (CASE_SEARCH_BENCH_N, default 1000: the per-search cap).
// `node --import tsx bench/caseSearch.ts` (CASE_SEARCH_BENCH_CONSENT=1: every task on a consent not given, the slow path)
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Principal } from '../domain/auth';
import type { ApiDeps } from '../api/context';
import { searchCases } from '../api/useCases/searchCases';
import { caseSearchQuery } from '../api/querySchemas';
import { createPrisma } from '../prisma/client';
import { migrate } from '../prisma/migrate';
import { seed } from '../prisma/seed';
import { testFieldCrypto } from '../test/support/keys';

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const n = Number(process.env.CASE_SEARCH_BENCH_N ?? 1000);
/** Every task on consent (none given): each candidate is put to the need-to-know rule, the slow path. */
const onConsent = process.env.CASE_SEARCH_BENCH_CONSENT === '1';
const runs = 5;

async function main() {
  const name = `samverkan_bench_search_${randomBytes(4).toString('hex')}`;
  const url = `${serverUrl}/${name}`;
  await migrate(url, { log: () => {} });
  const prisma = createPrisma(url);
  try {
    await seed(prisma);
    const policy = await prisma.policy.findFirstOrThrow({ where: { caseType: 'youth-concern' }, orderBy: { activatedAt: 'desc' } });
    const unit = await prisma.unit.findUniqueOrThrow({ where: { code: 'soc-children-youth' } });
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const id = `VPC-BENCH-${String(i).padStart(6, '0')}`;
      await prisma.case.create({
        data: {
          id,
          workflowId: id,
          caseType: 'youth-concern',
          policyVersion: policy.version,
          status: 'open',
          startArgs: { receivedAt: new Date(now).toISOString(), routing: { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true } },
          subject: { create: { ageYears: 15 } },
          tasks: { create: { id: `${id}.protection-assessment`, stepKey: 'protectionAssessment', unitId: unit.id, status: 'open', startedAt: new Date(now), dueAt: new Date(now + 3_600_000), originalDueAt: new Date(now + 3_600_000), ...(onConsent ? { consentAgency: 'social-services', consentPurpose: 'sig' } : {}) } },
        },
      });
    }
    const deps = { prisma, fieldCrypto: testFieldCrypto() } as unknown as ApiDeps;
    const query = caseSearchQuery.parse({});
    const callers: Record<string, Principal> = {
      coordinator: { sub: 'bench-coordinator', roles: ['coordinator'], units: [], supervisedUnits: [] },
      staff: { sub: 'bench-staff', roles: ['staff'], units: ['soc-children-youth'], supervisedUnits: [] },
    };
    for (const [who, caller] of Object.entries(callers)) {
      const units = who === 'staff' ? ['soc-children-youth'] : undefined;
      await searchCases(deps, caller, units, query); // warm-up
      const times: number[] = [];
      let total = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        total = (await searchCases(deps, caller, units, query)).total;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      console.log(`${who}: ${n} cases${onConsent ? ' on consent' : ''}, total ${total}, median ${times[Math.floor(runs / 2)].toFixed(1)} ms over ${runs} searches`);
    }
  } finally {
    await prisma.$disconnect();
    const admin = new Client({ connectionString: `${serverUrl}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

void main();
