/**
 * What the watchdog looks for (README "The watchdog"): each kind is a way a deadline the system
 * holds could go silent. Shared by the sweep's activities, the API, the metrics and the tests.
 */
export const watchdogKinds = [
  /** The read model says the case is open, and Temporal runs no workflow for it. */
  'case-workflow-not-running',
  /** The read model says the task is open (or waiting for consent), and Temporal runs no workflow for it. */
  'task-workflow-not-running',
  /** A task is past its due time plus its ladder's first interval, with no escalation recorded for that deadline. */
  'escalation-missing',
  /** A case has been `starting` longer than the limit: no worker has taken it. */
  'case-stuck-starting',
  /** A unit holding open tasks lacks an inbox, supervisor or head address: its escalations reach no one. */
  'unit-unreachable',
  /** Emails to one of a unit's addresses keep failing. */
  'unit-mail-failing',
  /** An escalation has been open and unacknowledged longer than the limit. */
  'escalation-unacknowledged',
] as const;
export type WatchdogKind = (typeof watchdogKinds)[number];

/** The sweep's settings, carried by its Schedule (worker/watchdogSchedule.ts) from the configuration. */
export interface WatchdogSweepInput {
  /** How often the Schedule runs the sweep, in ms: a run older than twice this is overdue. */
  everyMs: number;
  /** How long a case may stay `starting` before it is a finding, in ms. */
  startingAfterMs: number;
  /** How long an escalation may stay open and unacknowledged before it is a finding, in ms. */
  unacknowledgedAfterMs: number;
  /** Slack after a task's first rung falls due before a missing escalation is a finding (a busy worker is late, not silent), in ms. */
  escalationGraceMs: number;
  /** The registry unit whose inbox hears of each new finding. */
  operationsUnitCode: string;
  /** Rows read per page, so a sweep's memory stays bounded however many cases are open. */
  pageSize?: number;
}

/** The key that makes one condition one finding across sweeps. */
export function findingKey(kind: WatchdogKind, subject: string): string {
  return `${kind}:${subject}`;
}
