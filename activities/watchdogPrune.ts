// The watchdog's housekeeping: its own runs and resolved findings, and the staff directory's people not seen for long, deleted once older than kept.
import type { ActivityDeps, WatchdogKeep } from './deps';

const day = 24 * 60 * 60 * 1000;
/**
 * A quarter of runs is enough to see whether the watchdog kept its interval; a year of resolved
 * findings, to see what recurs. Staff: past a year and a bit, so someone on a year's leave is still
 * named in the tasks they held when they come back, and someone who left is not kept for ever.
 */
export const defaultWatchdogKeep: WatchdogKeep = { runsMs: 90 * day, resolvedFindingsMs: 365 * day, staffDirectoryMs: 400 * day };
// Rows one sweep deletes at most, so a first prune after long neglect cannot hold the sweep up.
const pruneBatch = 5_000;

/**
 * Deletes runs that finished, and findings that were resolved, longer ago than kept, and the staff
 * directory's people last seen longer ago than kept (their ids stay where they acted; only the name
 * goes). Open findings and the latest run (the worker's readiness reads it) are never touched.
 */
export async function pruneWatchdogHistory(prisma: ActivityDeps['prisma'], now: Date, keep: WatchdogKeep): Promise<{ runs: number; findings: number; staffMembers: number }> {
  const runsBefore = new Date(now.getTime() - keep.runsMs);
  const findingsBefore = new Date(now.getTime() - keep.resolvedFindingsMs);
  const staffBefore = new Date(now.getTime() - keep.staffDirectoryMs);
  const findings = await prisma.$executeRaw`
    DELETE FROM watchdog_finding WHERE id IN (
      SELECT id FROM watchdog_finding WHERE resolved_at IS NOT NULL AND resolved_at < ${findingsBefore} ORDER BY resolved_at LIMIT ${pruneBatch})`;
  const runs = await prisma.$executeRaw`
    DELETE FROM watchdog_run WHERE id IN (
      SELECT id FROM watchdog_run WHERE finished_at < ${runsBefore}
        AND id <> (SELECT id FROM watchdog_run ORDER BY finished_at DESC LIMIT 1)
      ORDER BY finished_at LIMIT ${pruneBatch})`;
  // The outer condition again: a person who signs in while this runs is re-checked, not deleted.
  const staffMembers = await prisma.$executeRaw`
    DELETE FROM staff_member WHERE last_seen_at < ${staffBefore} AND user_id IN (
      SELECT user_id FROM staff_member WHERE last_seen_at < ${staffBefore} ORDER BY last_seen_at LIMIT ${pruneBatch})`;
  return { runs, findings, staffMembers };
}
