import { log } from '../config/log';
import type { ApiDeps } from './context';
import { resumeInterruptedStarts } from './useCases/cases';

/**
 * Every 15 s, starts recorded cases whose start a crash cut short or Temporal could not take
 * (see startCaseOfType). Runs in each API process; starting a case twice is harmless, so replicas
 * need not coordinate.
 */
export function startReconciler(deps: ApiDeps, opts: { everyMs?: number; olderThanMs: number }): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { started, refused } = await resumeInterruptedStarts(deps, { olderThanMs: opts.olderThanMs });
      if (started > 0) log.warn('resumed interrupted case starts', { count: started });
      // Cases recorded but still not running: an operator should look (Temporal away or misconfigured).
      if (refused > 0) log.error('recorded cases Temporal still does not start', { count: refused });
    } catch (err) {
      // Temporal or the database is away: the next tick tries again.
      log.warn('could not resume interrupted case starts', { error: err instanceof Error ? err.name : 'unknown' });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
