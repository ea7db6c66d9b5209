import { watchdogOverdue } from '../config/metrics';
import type { PrismaClient } from '../prisma/client';

/**
 * The worker's /ready (served beside /metrics on METRICS_PORT): the database answers, and the
 * watchdog has swept within twice its interval. A quiet watchdog means no one is proving that
 * deadlines still run, which the operators must hear about; findings themselves are data, not this.
 */
export async function workerReadiness(prisma: PrismaClient, everyMs: number) {
  try {
    const watchdog = await watchdogOverdue(prisma, everyMs);
    const ready = !watchdog.overdue;
    return { ready, body: { ready, checks: { database: { ok: true }, watchdog: { ok: ready, lastSweepAt: watchdog.lastSweepAt } } } };
  } catch {
    return { ready: false, body: { ready: false, checks: { database: { ok: false }, watchdog: { ok: false, lastSweepAt: null } } } };
  }
}
