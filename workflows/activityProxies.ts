import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Activity options, declared once for every workflow. Read-model writes and email must
 * eventually happen, so they retry without limit; non-retryable failures (a unit missing from
 * the registry) surface at once.
 */
export const act = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The retention sweep's batches take longer and need not hurry. */
export const sweepActivities = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The watchdog's mail: a few tries, then the sweep ends anyway and the next sweep tries again. */
export const watchdogMailActivities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/**
 * A task's own short writes from escalation-outbox on: one SQL transaction each (an escalation
 * with its email, an email enqueued), run as local activities, so a rung costs the task no
 * activity task round trip (issue 18 measured it at 0.70× the raw floor). Same retries as `act`.
 */
export const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
