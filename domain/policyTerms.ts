/**
 * The policy's fixed words, apart from its zod schemas (domain/policy.ts) so workflow code can
 * use them without bundling zod into every cached workflow.
 */

export const spanUnits = ['seconds', 'minutes', 'hours', 'calendarDays', 'workingDays', 'weeks', 'months'] as const;

export const escalationTargets = ['unitSupervisor', 'unitHead'] as const;
export type EscalationTarget = (typeof escalationTargets)[number];

/** Dates a case may state beside its receipt (e.g. when the police notified the suspicion, LUL 4 §). */
export const caseDateKeys = ['suspicionNotifiedAt'] as const;
export type CaseDateKey = (typeof caseDateKeys)[number];

/** The coordinators' task that asks for consent to be re-confirmed before it ends. */
export const reconfirmationStep = 'consentReconfirmation';

/** Opened beside the case: when a protection assessment finds immediate protection needed, and on an acute threat. */
export const immediateProtectionStep = 'immediateProtection';
export const acuteThreatStep = 'acuteThreatAssessment';
