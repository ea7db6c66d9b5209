import { DateTime } from 'luxon';
import { sv } from '../domain/catalog';
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

/**
 * The operations unit's email about one new finding: its kind and the ids it is about, and a
 * link. Like every email, it takes no other facts, so personal data cannot reach it.
 */
export function renderFindingEmail(facts: FindingEmailFacts): { subject: string; text: string } {
  const seen = DateTime.fromJSDate(facts.firstSeenAt, { zone: facts.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  const about = facts.caseId ?? facts.unitCode ?? '-';
  const link = `${facts.appBaseUrl.replace(/\/$/, '')}/watchdog/findings?kind=${encodeURIComponent(facts.kind)}`;
  const w = sv.watchdogEmail;
  const headline = w.headlines[facts.kind];
  return {
    subject: `[samverkan] ${w.subjectPrefix}: ${headline} (${about})`,
    text: [
      headline,
      '',
      `${w.kind}: ${facts.kind}`,
      ...(facts.caseId ? [`${w.case}: ${facts.caseId}`] : []),
      ...(facts.taskId ? [`${w.task}: ${facts.taskId}`] : []),
      ...(facts.unitCode ? [`${w.unit}: ${facts.unitCode}`] : []),
      ...(facts.detail ? [`${w.found}: ${facts.detail}`] : []),
      `${w.firstSeen}: ${seen} (${facts.timeZone})`,
      `${w.open}: ${link}`,
      '',
      w.noPersonalData,
    ].join('\n'),
  };
}
