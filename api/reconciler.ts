import { log } from '../config/log';
import type { ApiDeps } from './context';
import { resumeInterruptedStarts } from './useCases/cases';

/**
 * Every minute, completes case starts that a crash cut short (see startCaseOfType). Runs in each
 * API process; starting a case twice is harmless, so replicas need not coordinate.
 */
export function startReconciler(deps: ApiDeps, opts: { everyMs?: number; olderThanMs?: number } = {}): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const resumed = await resumeInterruptedStarts(deps, { olderThanMs: opts.olderThanMs });
      if (resumed > 0) log.warn('resumed interrupted case starts', { count: resumed });
    } catch (err) {
      // Temporal or the database is away: the next tick tries again.
      log.warn('could not resume interrupted case starts', { error: err instanceof Error ? err.name : 'unknown' });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
