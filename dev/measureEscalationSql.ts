// Counts what the task opening and the escalation cost PostgreSQL, per task: committed
// transactions, sequential scans and tuples read, from pg_stat_database and pg_stat_user_tables
// around a small burst that calls the activities directly (issue 18, "find the tuple scans").
// The email's send is the outbox sender's (worker/outbox.ts) and is not counted here.
//   node --import tsx dev/measureEscalationSql.ts [count]
// Runs against a throwaway database on TEST_DATABASE_SERVER_URL (default: local trust PostgreSQL).
import { Client } from 'pg';
import { createActivities, systemClock } from '../activities';
import { escalateParams, escalateSql } from '../activities/outbox';
import { claimSql, startOutboxSender } from '../worker/outbox';
import type { StepPolicy } from '../domain/policy';
import { createPrisma, sqlPool, type PrismaClient } from '../prisma/client';
import { createTestDatabase } from '../test/support/database';

const count = Number(process.argv[2] ?? 50);
const step: StepPolicy = {
  title: 'Skyddsbedömning',
  unitCode: 'soc-children-youth',
  deadline: { kind: 'span', span: { amount: 1, unit: 'hours' } },
  reminders: [],
  escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }],
} as unknown as StepPolicy;

interface Stats { xact: number; seqScan: number; seqRead: number; idxRead: number; byTable: Record<string, number> }

async function stats(adminUrl: string): Promise<Stats> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await new Promise((r) => setTimeout(r, 700));
    const db = await c.query<{ xact: string }>('SELECT xact_commit AS xact FROM pg_stat_database WHERE datname = current_database()');
    const t = await c.query<{ relname: string; seq_scan: string; seq_tup_read: string; idx_tup_fetch: string }>(
      'SELECT relname, seq_scan, seq_tup_read, coalesce(idx_tup_fetch, 0) AS idx_tup_fetch FROM pg_stat_user_tables',
    );
    const byTable: Record<string, number> = {};
    for (const r of t.rows) byTable[r.relname] = Number(r.seq_scan);
    return {
      xact: Number(db.rows[0].xact),
      seqScan: t.rows.reduce((s, r) => s + Number(r.seq_scan), 0),
      seqRead: t.rows.reduce((s, r) => s + Number(r.seq_tup_read), 0),
      idxRead: t.rows.reduce((s, r) => s + Number(r.idx_tup_fetch), 0),
      byTable,
    };
  } finally {
    await c.end();
  }
}

function diff(label: string, a: Stats, b: Stats, n: number): void {
  const tables = Object.entries(b.byTable)
    .map(([k, v]) => [k, v - (a.byTable[k] ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  // The stats reader's own transactions (one per stats() call) are left out.
  console.log(
    `${label}: per task ${((b.xact - a.xact - 1) / n).toFixed(2)} transactions, ${((b.seqScan - a.seqScan) / n).toFixed(2)} seq scans, ` +
      `${((b.seqRead - a.seqRead) / n).toFixed(1)} tuples read by seq scans, ${((b.idxRead - a.idxRead) / n).toFixed(1)} by index; seq scans by table: ${tables || 'none'}`,
  );
}

/** As a database that has run a while: planner statistics exist (autovacuum's ANALYZE). */
async function analyze(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('ANALYZE');
  await admin.end();
}

/** The plans of the escalation's statement and the sender's claim, run and rolled back. */
async function explain(adminUrl: string, taskId: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const plan = async (label: string, text: string, values: unknown[]) => {
      await admin.query('BEGIN');
      const res = await admin.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${text}`, values);
      await admin.query('ROLLBACK');
      console.log(`${label}:\n${res.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
    };
    await plan('escalation statement', escalateSql, escalateParams({
      escalationId: `${taskId}.esc-1-2`, taskId, caseId: 'C-0', level: 2, target: 'unitHead', dueAt: new Date().toISOString(), raisedAt: new Date(),
      notification: { idempotencyKey: `${taskId}.esc-1-2:notify`, kind: 'escalation', stepTitle: step.title, level: 2 },
    }));
    await plan('sender claim', claimSql, [10, 'explain', 30_000]);
  } finally {
    await admin.end();
  }
}

async function phase(url: string, work: (prisma: PrismaClient) => Promise<void>): Promise<void> {
  // A fresh client per phase, disconnected after it, so its backends flush their statistics.
  const prisma = createPrisma(url);
  try {
    await work(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

async function main(): Promise<void> {
  const db = await createTestDatabase('sqlcount');
  await db.prisma.$disconnect();
  const mailConfig = { appBaseUrl: 'http://x', mailFrom: 'x@x', timeZone: 'Europe/Stockholm' };
  const activities = (prisma: PrismaClient) => createActivities({ prisma, mailer: { sendMail: async () => ({}) }, clock: systemClock, config: mailConfig });
  try {
    await phase(db.url, async (prisma) => {
      for (let i = 0; i < count; i++) {
        await prisma.case.create({ data: { id: `C-${i}`, workflowId: `wf-C-${i}`, caseType: 'youth-concern', policyVersion: 'v', status: 'open' } });
      }
    });
    await analyze(db.adminUrl);
    const ids = Array.from({ length: count }, (_, i) => `T-${i}`);
    const open = (act: ReturnType<typeof activities>, i: number) =>
      act.openTask({
        taskId: ids[i],
        caseId: `C-${i}`,
        stepKey: 'protectionAssessment',
        unitCode: step.unitCode,
        startAt: new Date().toISOString(),
        step,
        timeZone: 'Europe/Stockholm',
        notifications: [{ idempotencyKey: `${ids[i]}:assigned`, kind: 'assigned', target: 'unitInbox', stepTitle: step.title }],
      });
    const escalate = (act: ReturnType<typeof activities>, i: number) => {
      const escalationId = `${ids[i]}.esc-1-1`;
      return act.escalate({
        escalationId,
        taskId: ids[i],
        caseId: `C-${i}`,
        level: 1,
        target: 'unitSupervisor',
        dueAt: new Date().toISOString(),
        notification: { idempotencyKey: `${escalationId}:notify`, kind: 'escalation', stepTitle: step.title, level: 1 },
      });
    };
    let before = await stats(db.adminUrl);
    await phase(db.url, async (prisma) => {
      const act = activities(prisma);
      for (let i = 0; i < count; i++) await open(act, i);
    });
    let after = await stats(db.adminUrl);
    diff('opening (task + assigned email)', before, after, count);
    await analyze(db.adminUrl);
    before = await stats(db.adminUrl);
    await phase(db.url, async (prisma) => {
      const act = activities(prisma);
      for (let i = 0; i < count; i++) await escalate(act, i);
    });
    after = await stats(db.adminUrl);
    diff('escalation (row + email)', before, after, count);
    await analyze(db.adminUrl);
    await explain(db.adminUrl, ids[0]);
    // The sender's side: both emails of each task, claimed in batches of 10 and recorded one by one.
    before = await stats(db.adminUrl);
    await phase(db.url, async (prisma) => {
      const sender = startOutboxSender({ pool: sqlPool(prisma), mailer: { sendMail: async () => ({}) }, config: mailConfig, pollMs: 50 });
      while ((await prisma.notification.count({ where: { status: { not: 'sent' } } })) > 0) await new Promise((r) => setTimeout(r, 200));
      await sender.stop();
    });
    after = await stats(db.adminUrl);
    diff('sender, per email (its polling included)', before, after, count * 2);
  } finally {
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
