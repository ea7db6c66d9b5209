import { createCaseActivities } from './cases';
import type { ActivityDeps } from './deps';
import { createEscalationActivities } from './escalations';
import { createNotificationActivities } from './notifications';
import { createRetentionActivities } from './retention';
import { createTaskActivities } from './tasks';
import { createWatchdogActivities } from './watchdog';

export type { ActivityDeps, Clock, Mailer } from './deps';
export { systemClock } from './deps';

/** Builds every activity from its dependencies, so tests hand in real or test instances. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCaseActivities(deps),
    ...createTaskActivities(deps),
    ...createEscalationActivities(deps),
    ...createNotificationActivities(deps),
    ...createRetentionActivities(deps),
    ...createWatchdogActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
