// Is writing a case start's audit row in the record-case statement (one round trip) still cheaper
// than recording the case and then the audit row through the group-commit writer? Times N case
// records each way, in blocks of inline, separate, separate, inline, against the local PostgreSQL.
// `node --import tsx bench/auditWrite.ts` (AUDIT_BENCH_N, AUDIT_BENCH_CONCURRENCY to change the size).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createAuditWriter, type AuditEntry } from '../api/audit';
import { newCaseId, recordCaseQuery } from '../api/useCases/recordCase';
import { referralBody } from '../api/schemas';
import { createPrisma, sqlPool } from '../prisma/client';
import { migrate } from '../prisma/migrate';
import { seed } from '../prisma/seed';

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const n = Number(process.env.AUDIT_BENCH_N ?? 1000);
const concurrency = Number(process.env.AUDIT_BENCH_CONCURRENCY ?? 8);
const blocks = 3;

async function main() {
  const name = `samverkan_bench_audit_${randomBytes(4).toString('hex')}`;
  const url = `${serverUrl}/${name}`;
  await migrate(url, { log: () => {} });
  const prisma = createPrisma(url);
  await seed(prisma);
  const audit = createAuditWriter(prisma);
  const referral = referralBody.parse({ sourceAgency: 'police', category: 'threat', subject: { ageYears: 15 } });
  const entry: AuditEntry = { principal: { sub: 'bench', roles: ['coordinator'], units: [], supervisedUnits: [] }, action: 'case.create', method: 'POST', route: '/cases', status: 201 };
  const record = async (inline: boolean) => {
    const caseId = newCaseId(new Date());
    const query = recordCaseQuery({
      caseId,
      caseType: 'youth-concern',
      referral,
      routing: undefined,
      keyHash: undefined,
      requestHash: '',
      startArgs: { receivedAt: new Date().toISOString(), receiptStated: false, routing: { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true } },
      subject: { displayNameEnc: null, personalIdentityNumberEnc: null, personalIdentityNumberHash: null, ageYears: 15, narrativeEnc: null },
      auditRow: inline ? { at: new Date().toISOString(), entry } : undefined,
    });
    await sqlPool(prisma).query(query);
    if (!inline) await audit.record({ ...entry, caseId });
  };
  const run = async (inline: boolean) => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) await record(inline);
      }),
    );
    return (performance.now() - t0) / n;
  };
  await run(true);
  await run(false); // warm both paths
  const ms = { inline: [] as number[], separate: [] as number[] };
  for (let b = 0; b < blocks; b++) {
    ms.inline.push(await run(true));
    ms.separate.push(await run(false), await run(false));
    ms.inline.push(await run(true));
  }
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const rows = await prisma.auditEvent.count();
  console.log(
    `${n} case records per run, concurrency ${concurrency}, ${blocks} blocks: inline ${mean(ms.inline).toFixed(3)} ms per start (${(1000 / mean(ms.inline)).toFixed(0)}/s), ` +
      `separate ${mean(ms.separate).toFixed(3)} ms per start (${(1000 / mean(ms.separate)).toFixed(0)}/s); separate ÷ inline ${(mean(ms.separate) / mean(ms.inline)).toFixed(2)}; ${rows} audit rows`,
  );
  await prisma.$disconnect();
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
