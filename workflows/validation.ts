import { ApplicationFailure } from '@temporalio/workflow';
import { ErrorCode } from '../domain/errors';
import type { InputCheck } from '../domain/messageChecks';

/**
 * Parses update input in a validator. The failure names the fields but never echoes values,
 * because values may be personal data and failures are stored and logged.
 */
export function parseOrReject<T>(check: InputCheck<T>, input: unknown): T {
  const checked = check(input);
  if (checked.ok) return checked.value;
  const fields = checked.issues.map((issue) => ({ field: issue.path.join('.') || '(input)', problem: issue.message }));
  throw ApplicationFailure.create({
    type: ErrorCode.ValidationFailed,
    message: `invalid input: ${fields.map((f) => f.field).join(', ')}`,
    details: [fields],
    nonRetryable: true,
  });
}

/**
 * Parses input its validator accepted (a handler reads the trimmed, defaulted form). Should it
 * fail, it throws a plain error, which fails the workflow task as zod's parse error did.
 */
export function parseAccepted<T>(check: InputCheck<T>, input: unknown): T {
  const checked = check(input);
  if (checked.ok) return checked.value;
  throw new TypeError(`invalid input: ${checked.issues.map((issue) => issue.path.join('.') || '(input)').join(', ')}`);
}

/** Refuses a message; `reason` (a state such as "waiting-for-consent") travels as the failure's detail. */
export function reject(type: ErrorCode, message: string, reason?: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, ...(reason ? { details: [{ reason }] } : {}) });
}
