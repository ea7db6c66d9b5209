// The raw Temporal floor the benchmark measures samverkan against: one timer to one instant, then
// one activity. Nothing of samverkan's (no state class, no read model, no policy), so the gap
// between the two is what samverkan adds on top of what Temporal itself allows.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { RawFloorActivities } from './activities';

// The same timeouts and retries as samverkan's activities (workflows/activityProxies.ts).
const { recordAndMail } = proxyActivities<RawFloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface RawFloorInput {
  id: string;
  round: string;
  /** The instant every workflow of the round sleeps to (ISO). */
  instant: string;
}

export async function rawFloorWorkflow(input: RawFloorInput): Promise<void> {
  await sleep(Math.max(0, Date.parse(input.instant) - Date.now()));
  await recordAndMail(input);
}
