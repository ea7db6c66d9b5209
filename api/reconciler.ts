import { log } from '../config/log';
import type { ApiDeps } from './context';
import { resumeInterruptedStarts } from './useCases/caseWorkflow';
import { redeliverConsentSignals } from './useCases/consentSignals';

/**
 * Every 15 s, tells Temporal what a request recorded but could not tell it (the README's "record
 * the row, then tell Temporal"): starts recorded cases whose start a crash cut short or Temporal
 * refused, and delivers consent changes the case workflow has not heard. Runs in each API process;
 * both are harmless twice, so replicas need not coordinate.
 */
export function startReconciler(deps: ApiDeps, opts: { everyMs?: number; olderThanMs: number }): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const starts = await resumeInterruptedStarts(deps, { olderThanMs: opts.olderThanMs });
      const consents = await redeliverConsentSignals(deps, { olderThanMs: opts.olderThanMs });
      if (starts.started + consents.delivered > 0) log.warn('told Temporal what requests had recorded', { starts: starts.started, consents: consents.delivered });
      // Recorded but still not told: an operator should look (Temporal away or misconfigured).
      if (starts.refused + consents.refused > 0) log.error('recorded changes Temporal still does not take', { starts: starts.refused, consents: consents.refused });
    } catch (err) {
      // Temporal or the database is away: the next tick tries again.
      log.warn('could not reconcile recorded changes with Temporal', { error: err instanceof Error ? err.name : 'unknown' });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
