import { randomUUID } from 'node:crypto';
import { createWatchdogActivities } from '../../activities/watchdog';
import { pruneWatchdogHistory } from '../../activities/watchdogPrune';
import type { Mailer } from '../../activities/deps';
import { createTestDatabase, type TestDatabase } from '../support/database';

const day = 24 * 60 * 60 * 1000;
const now = new Date('2026-12-04T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * day);
// The finish of a sweep sends nothing; a call would be a defect.
const noMail: Mailer = {
  sendMail: () => Promise.reject(new Error('the watchdog finishing a run sends no mail')),
};

describe("the watchdog's own history is kept for a while, not for ever", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('watchdog_prune');
  });
  afterAll(async () => {
    await db.drop();
  });

  const run = (finishedAt: Date) => ({
    id: randomUUID(),
    workflowId: 'watchdog-sweep-test',
    startedAt: finishedAt,
    finishedAt,
    durationMs: 10,
    casesChecked: 0,
    tasksChecked: 0,
    escalationsChecked: 0,
    unitsChecked: 0,
    opened: 0,
    resolved: 0,
    openFindings: 0,
  });
  const finding = (runId: string, firstSeenAt: Date, resolvedAt: Date | null) => {
    const subject = randomUUID();
    return {
      kind: 'case-stuck-starting',
      subject,
      openKey: resolvedAt ? null : `case-stuck-starting:${subject}`,
      caseId: subject,
      detail: 'starting',
      firstSeenAt,
      lastSeenAt: resolvedAt ?? firstSeenAt,
      lastSeenRunId: runId,
      resolvedAt,
    };
  };

  it('when a sweep finishes, then runs older than kept and findings resolved longer ago than kept are deleted, and open findings, recent ones and the new run stay', async () => {
    const oldRun = run(daysAgo(100));
    const keptRun = run(daysAgo(30));
    await db.prisma.watchdogRun.createMany({ data: [oldRun, keptRun] });
    const oldResolved = finding(oldRun.id, daysAgo(400), daysAgo(380));
    const recentResolved = finding(keptRun.id, daysAgo(60), daysAgo(40));
    // Open since long ago: a condition that still holds is never pruned, however old.
    const longOpen = finding(oldRun.id, daysAgo(500), null);
    await db.prisma.watchdogFinding.createMany({ data: [oldResolved, recentResolved, longOpen] });

    const activities = createWatchdogActivities({
      prisma: db.prisma,
      mailer: noMail,
      clock: { now: () => now },
      config: { appBaseUrl: 'http://localhost', mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm', watchdogKeep: { runsMs: 90 * day, resolvedFindingsMs: 365 * day, staffDirectoryMs: 400 * day } },
    });
    const runId = randomUUID();
    // The open finding is seen by this sweep, so finishing does not resolve it.
    await db.prisma.watchdogFinding.updateMany({ where: { subject: longOpen.subject }, data: { lastSeenRunId: runId } });
    await activities.watchdogFinishRun({ runId, at: now.toISOString(), workflowId: 'watchdog-sweep-test', casesChecked: 1, tasksChecked: 0, escalationsChecked: 0, unitsChecked: 0 });

    const runs = await db.prisma.watchdogRun.findMany({ select: { id: true } });
    expect(runs.map((r) => r.id).sort()).toEqual([keptRun.id, runId].sort());
    const findings = await db.prisma.watchdogFinding.findMany({ select: { subject: true, resolvedAt: true } });
    expect(findings.map((f) => f.subject).sort()).toEqual([recentResolved.subject, longOpen.subject].sort());
    expect(findings.find((f) => f.subject === longOpen.subject)?.resolvedAt).toBeNull();
  });

  it('when the only run on record is older than kept, then it stays, since the worker’s readiness reads the latest run', async () => {
    await db.prisma.watchdogFinding.deleteMany({});
    await db.prisma.watchdogRun.deleteMany({});
    const lone = run(daysAgo(200));
    await db.prisma.watchdogRun.create({ data: lone });

    await expect(pruneWatchdogHistory(db.prisma, now, { runsMs: 90 * day, resolvedFindingsMs: 365 * day, staffDirectoryMs: 400 * day })).resolves.toEqual({ runs: 0, findings: 0, staffMembers: 0 });
    await expect(db.prisma.watchdogRun.count()).resolves.toBe(1);
  });

  it('when a sweep finishes, then the staff directory loses the people not seen for longer than kept, and keeps those seen since, however long ago they first came', async () => {
    const person = (userId: string, lastSeenAt: Date, firstSeenAt = lastSeenAt) => ({
      userId,
      displayName: `Namn ${userId}`,
      units: ['soc-children-youth'],
      supervisedUnits: [],
      roles: ['staff'],
      firstSeenAt,
      lastSeenAt,
    });
    await db.prisma.staffMember.createMany({
      data: [
        person('prune-gone', daysAgo(401)),
        person('prune-long-gone', daysAgo(900)),
        // Seen just inside the bound, and one here for years who signed in lately: both stay.
        person('prune-just-kept', daysAgo(399)),
        person('prune-old-hand', daysAgo(2), daysAgo(2000)),
      ],
    });
    const activities = createWatchdogActivities({
      prisma: db.prisma,
      mailer: noMail,
      clock: { now: () => now },
      config: { appBaseUrl: 'http://localhost', mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm', watchdogKeep: { runsMs: 90 * day, resolvedFindingsMs: 365 * day, staffDirectoryMs: 400 * day } },
    });
    await activities.watchdogFinishRun({ runId: randomUUID(), at: now.toISOString(), workflowId: 'watchdog-sweep-test', casesChecked: 0, tasksChecked: 0, escalationsChecked: 0, unitsChecked: 0 });

    const left = await db.prisma.staffMember.findMany({ where: { userId: { startsWith: 'prune-' } }, select: { userId: true }, orderBy: { userId: 'asc' } });
    expect(left.map((p) => p.userId)).toEqual(['prune-just-kept', 'prune-old-hand']);
    // A shorter bound given: the one seen 399 days ago goes too, the recent one stays.
    await expect(pruneWatchdogHistory(db.prisma, now, { runsMs: 90 * day, resolvedFindingsMs: 365 * day, staffDirectoryMs: 300 * day })).resolves.toMatchObject({ staffMembers: 1 });
    await expect(db.prisma.staffMember.count({ where: { userId: { startsWith: 'prune-' } } })).resolves.toBe(1);
  });
});
