/**
 * Error codes shared by workflows, the API and tests. They travel in
 * `ApplicationFailure.type`, so a code must never be renamed once cases run with it.
 * Messages must never contain personal data: they end up in histories and logs.
 */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  TaskAlreadyDone: 'TASK_ALREADY_DONE',
  TaskNotOpen: 'TASK_NOT_OPEN',
  InvalidOutcome: 'INVALID_OUTCOME',
  InvalidExtension: 'INVALID_EXTENSION',
  EscalationNotFound: 'ESCALATION_NOT_FOUND',
  EscalationAlreadyAcknowledged: 'ESCALATION_ALREADY_ACKNOWLEDGED',
  CaseNotFound: 'CASE_NOT_FOUND',
  TaskNotFound: 'TASK_NOT_FOUND',
  UnitNotFound: 'UNIT_NOT_FOUND',
  PolicyNotFound: 'POLICY_NOT_FOUND',
  NotFound: 'NOT_FOUND',
  ConsentNotFound: 'CONSENT_NOT_FOUND',
  ConsentAlreadyWithdrawn: 'CONSENT_ALREADY_WITHDRAWN',
  CaseNotOpen: 'CASE_NOT_OPEN',
  VersionExists: 'VERSION_EXISTS',
  InvalidPolicy: 'INVALID_POLICY',
  Unavailable: 'UNAVAILABLE',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  Unauthorized: 'UNAUTHORIZED',
  UndecodablePayload: 'UNDECODABLE_PAYLOAD',
  NotificationInFlight: 'NOTIFICATION_IN_FLIGHT',
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  /** Retention removed the subject's personal data: there is nothing left to correct. */
  SubjectPseudonymised: 'SUBJECT_PSEUDONYMISED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status for each code, used by the API's single error mapper. */
export const httpStatusFor: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  TASK_ALREADY_DONE: 409,
  TASK_NOT_OPEN: 409,
  INVALID_OUTCOME: 422,
  INVALID_EXTENSION: 422,
  ESCALATION_NOT_FOUND: 404,
  ESCALATION_ALREADY_ACKNOWLEDGED: 409,
  CASE_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  UNIT_NOT_FOUND: 422,
  POLICY_NOT_FOUND: 422,
  NOT_FOUND: 404,
  CONSENT_NOT_FOUND: 404,
  CONSENT_ALREADY_WITHDRAWN: 409,
  CASE_NOT_OPEN: 409,
  VERSION_EXISTS: 409,
  INVALID_POLICY: 422,
  UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  UNAUTHORIZED: 401,
  UNDECODABLE_PAYLOAD: 422,
  NOTIFICATION_IN_FLIGHT: 503,
  IDEMPOTENCY_KEY_REUSED: 422,
  SUBJECT_PSEUDONYMISED: 409,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in httpStatusFor;
}
