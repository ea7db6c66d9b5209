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

/** A local clock time in a policy, 00:00–23:59 (Europe/Stockholm): "25:99" is no time of day. */
export const localTimePattern = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
export const localTimeMessage = 'must be a time of day as HH:MM, from 00:00 to 23:59';
