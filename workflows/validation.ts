import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { ErrorCode } from '../domain/errors';

/**
 * Parses update input in a validator. The failure names the fields but never echoes values,
 * because values may be personal data and failures are stored and logged.
 */
export function parseOrReject<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(input)', problem: issue.message }));
  throw ApplicationFailure.create({
    type: ErrorCode.ValidationFailed,
    message: `invalid input: ${fields.map((f) => f.field).join(', ')}`,
    details: [fields],
    nonRetryable: true,
  });
}

/** Refuses a message; `reason` (a state such as "waiting-for-consent") travels as the failure's detail. */
export function reject(type: ErrorCode, message: string, reason?: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, ...(reason ? { details: [{ reason }] } : {}) });
}
