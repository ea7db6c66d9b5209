import { DateTime } from 'luxon';
import { protectedIdentityMarker } from '../domain/messages';

export type NotificationKind =
  | 'assigned'
  | 'reminder'
  | 'escalation'
  | 'extended'
  | 'waiting-for-consent'
  | 'withdrawn'
  | 'consent-expired'
  | 'closed';

export interface EmailFacts {
  kind: NotificationKind;
  caseId: string;
  taskId: string;
  stepTitle: string;
  dueAt: Date;
  level?: number;
  /** The case is protected identity: the email carries the marker (which names no one). */
  protectedIdentity?: boolean;
  appBaseUrl: string;
  timeZone: string;
}

const headline: Record<NotificationKind, (facts: EmailFacts) => string> = {
  assigned: () => 'New task for your unit',
  reminder: () => 'Reminder: task due soon',
  escalation: (f) => `Deadline lapsed: escalation level ${f.level ?? 1}`,
  extended: () => 'Deadline extended',
  'waiting-for-consent': () => 'Task waiting for consent',
  withdrawn: () => 'Task withdrawn: consent no longer covers your unit',
  'consent-expired': () => 'Consent expired: a task was withdrawn',
  closed: () => 'Task closed with its case',
};

/**
 * Builds a notification email from the case reference, the step, the due time and a link.
 * It takes no other facts on purpose, so personal data cannot reach an email even by mistake.
 */
export function renderEmail(facts: EmailFacts): { subject: string; text: string } {
  const due = DateTime.fromJSDate(facts.dueAt, { zone: facts.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  const link = `${facts.appBaseUrl.replace(/\/$/, '')}/cases/${encodeURIComponent(facts.caseId)}`;
  const title = headline[facts.kind](facts);
  return {
    subject: `[samverkan] ${facts.caseId}: ${facts.stepTitle} (${title})`,
    text: [
      ...(facts.protectedIdentity ? [protectedIdentityMarker, ''] : []),
      title,
      '',
      `Case: ${facts.caseId}`,
      `Step: ${facts.stepTitle}`,
      `Due: ${due} (${facts.timeZone})`,
      `Open: ${link}`,
      '',
      'This message carries no personal data. Sign in to samverkan to see the case.',
    ].join('\n'),
  };
}
