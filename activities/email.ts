import { DateTime } from 'luxon';
import { protectedIdentityMarker, sv } from '../domain/catalog';
import { planTaskStep } from '../domain/messages';

export type NotificationKind =
  | 'assigned'
  | 'reminder'
  | 'escalation'
  | 'extended'
  | 'waiting-for-consent'
  | 'withdrawn'
  | 'consent-expired'
  | 'closed'
  | 'reassigned';

export interface EmailFacts {
  kind: NotificationKind;
  caseId: string;
  taskId: string;
  stepTitle: string;
  /** The step's key, by which the catalog names it in Swedish. */
  stepKey?: string;
  dueAt: Date;
  level?: number;
  /** The case is protected identity: the email carries the marker (which names no one). */
  protectedIdentity?: boolean;
  appBaseUrl: string;
  timeZone: string;
}

/** The email's headline, also its subject's ending (tests find mails by it). */
export function emailHeadline(kind: NotificationKind, level = 1): string {
  return sv.email.headlines[kind](level);
}

/**
 * Builds a notification email from the case reference, the step, the due time and a link.
 * It takes no other facts on purpose, so personal data cannot reach an email even by mistake.
 */
export function renderEmail(facts: EmailFacts): { subject: string; text: string } {
  const due = DateTime.fromJSDate(facts.dueAt, { zone: facts.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  // The task's page in the staff web app (web/app.tsx); one who is not signed in signs in first and lands there.
  const link = `${facts.appBaseUrl.replace(/\/$/, '')}/app/arenden/${encodeURIComponent(facts.caseId)}/uppgifter/${encodeURIComponent(facts.taskId)}`;
  const title = emailHeadline(facts.kind, facts.level);
  // The step's Swedish name by its key; a step the catalog lacks, or a joint-plan task (its title names the unit), shows its policy title.
  const step = facts.stepKey && facts.stepKey !== planTaskStep && sv.steps[facts.stepKey] ? sv.steps[facts.stepKey] : facts.stepTitle;
  const e = sv.email;
  return {
    subject: `[samverkan] ${facts.caseId}: ${step} (${title})`,
    text: [
      ...(facts.protectedIdentity ? [protectedIdentityMarker, ''] : []),
      title,
      '',
      `${e.case}: ${facts.caseId}`,
      `${e.step}: ${step}`,
      `${e.due}: ${due} (${facts.timeZone})`,
      `${e.open}: ${link}`,
      '',
      e.noPersonalData,
    ].join('\n'),
  };
}
