import { DateTime } from 'luxon';
import type { WatchdogKind } from '../domain/watchdog';

export interface FindingEmailFacts {
  kind: WatchdogKind;
  caseId: string | null;
  taskId: string | null;
  unitCode: string | null;
  detail: string | null;
  firstSeenAt: Date;
  appBaseUrl: string;
  timeZone: string;
}

const headline: Record<WatchdogKind, string> = {
  'case-workflow-not-running': 'An open case has no running workflow',
  'task-workflow-not-running': 'An open task has no running workflow',
  'escalation-missing': 'A lapsed deadline was not escalated',
  'case-stuck-starting': 'A case has not started',
  'unit-unreachable': 'A unit with open tasks lacks an address',
  'unit-mail-failing': "Emails to a unit's address keep failing",
  'escalation-unacknowledged': 'An escalation has not been acknowledged',
};

/**
 * The operations unit's email about one new finding: its kind and the ids it is about, and a
 * link. Like every email, it takes no other facts, so personal data cannot reach it.
 */
export function renderFindingEmail(facts: FindingEmailFacts): { subject: string; text: string } {
  const seen = DateTime.fromJSDate(facts.firstSeenAt, { zone: facts.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  const about = facts.caseId ?? facts.unitCode ?? '-';
  const link = `${facts.appBaseUrl.replace(/\/$/, '')}/watchdog/findings?kind=${encodeURIComponent(facts.kind)}`;
  return {
    subject: `[samverkan] watchdog: ${headline[facts.kind]} (${about})`,
    text: [
      headline[facts.kind],
      '',
      `Kind: ${facts.kind}`,
      ...(facts.caseId ? [`Case: ${facts.caseId}`] : []),
      ...(facts.taskId ? [`Task: ${facts.taskId}`] : []),
      ...(facts.unitCode ? [`Unit: ${facts.unitCode}`] : []),
      ...(facts.detail ? [`Found: ${facts.detail}`] : []),
      `First seen: ${seen} (${facts.timeZone})`,
      `Open: ${link}`,
      '',
      'This message carries no personal data. The README section "The watchdog" says how to answer a finding.',
    ].join('\n'),
  };
}
