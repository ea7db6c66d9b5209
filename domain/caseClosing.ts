import type { CaseType, Span } from './policy';

/**
 * Closing and reopening a case (DOMAIN.md: "Cases close with a reason … and can be reopened"):
 * the reasons a coordinator closes with, and the steps each case type can be reopened from.
 */
export const closeReasons = ['completed', 'declined', 'duplicate', 'moved-away', 'referred-elsewhere', 'no-consent'] as const;
export type CloseReason = (typeof closeReasons)[number];

/**
 * The steps a reopened case can start again from, in the order the case type runs them. A step
 * the case's policy lacks is not offered. Steps beside the track (the police track, acute threats,
 * re-confirmations) are not: they start from the events that start them.
 */
export const reopenableSteps: Record<CaseType, readonly string[]> = {
  'youth-concern': ['protectionAssessment', 'investigationDecision', 'investigation', 'interventionPlan', 'followUp'],
  'social-intervention-group': ['actionPlan', 'review'],
  'exit-programme': ['firstConversation', 'initialAssessment', 'followUp'],
  triage: ['triage'],
};

/** How long a closed case may be reopened when its policy does not say (`reopenWithin`). */
export const defaultReopenWithin: Span = { amount: 6, unit: 'months' };
