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
  CaseWorkflowRunning: 'CASE_WORKFLOW_RUNNING',
  CaseHistoryGone: 'CASE_HISTORY_GONE',
  /** Resuming the case from before a task ended would drop messages (signals, updates) it was sent after that point. */
  CaseResumeLosesMessages: 'CASE_RESUME_LOSES_MESSAGES',
  /** Someone else holds the task (claimed or assigned): they, or a supervisor of its unit, act on it. */
  TaskClaimed: 'TASK_CLAIMED',
  /** A move of a task that cannot be made (to its own unit, or outside the consent it rests on). */
  InvalidReassignment: 'INVALID_REASSIGNMENT',
  /** The unit is deactivated: it takes no new work. */
  UnitInactive: 'UNIT_INACTIVE',
  /** A case that started before coordinators could close cases: it closes when its steps end. */
  CaseNotClosable: 'CASE_NOT_CLOSABLE',
  /** A case open, past the policy's reopening period, or a step it cannot start again from. */
  CaseNotReopenable: 'CASE_NOT_REOPENABLE',
  /** A unit with open work (or named by the active policy or routing) cannot be deactivated; one with any history cannot be deleted. */
  UnitInUse: 'UNIT_IN_USE',
  /** An agency or unit code the registry already has. */
  RegistryCodeTaken: 'REGISTRY_CODE_TAKEN',
  /** The agency named is not in the registry. */
  AgencyNotFound: 'AGENCY_NOT_FOUND',
  /** Only a triage task hands its referral on to a routed case. */
  NotTriage: 'NOT_A_TRIAGE_TASK',
  /** Joint-plan tasks belong to voluntary programmes (SIG, exit). */
  JointPlanNotAllowed: 'JOINT_PLAN_NOT_ALLOWED',
  /** Retention removed the subject's personal data: there is nothing left to correct. */
  SubjectPseudonymised: 'SUBJECT_PSEUDONYMISED',
  /** A minor's triage task ends only by routing the referral on to a case: a report about a child is assessed. */
  ChildReportNeedsCase: 'CHILD_REPORT_NEEDS_CASE',
  /** No routing-table version by that name was ever published. */
  RoutingVersionNotFound: 'ROUTING_VERSION_NOT_FOUND',
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
  CASE_WORKFLOW_RUNNING: 409,
  CASE_HISTORY_GONE: 409,
  CASE_RESUME_LOSES_MESSAGES: 409,
  TASK_CLAIMED: 409,
  INVALID_REASSIGNMENT: 422,
  UNIT_INACTIVE: 422,
  CASE_NOT_CLOSABLE: 409,
  CASE_NOT_REOPENABLE: 422,
  UNIT_IN_USE: 409,
  REGISTRY_CODE_TAKEN: 409,
  AGENCY_NOT_FOUND: 422,
  NOT_A_TRIAGE_TASK: 422,
  JOINT_PLAN_NOT_ALLOWED: 422,
  SUBJECT_PSEUDONYMISED: 409,
  CHILD_REPORT_NEEDS_CASE: 422,
  ROUTING_VERSION_NOT_FOUND: 404,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in httpStatusFor;
}
