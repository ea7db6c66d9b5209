import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ErrorCode, httpStatusFor, isErrorCode } from '../domain/errors';
import { log } from '../config/log';
import type { UnitUse } from './views/common';

/** A business error raised by a use-case; the one error mapper turns it into HTTP. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface ErrorBody {
  /** `reason` names a task's state when it cannot take the change (e.g. "waiting-for-consent"); `fields`, each refused field by its path; `uses`, what keeps a unit in use. */
  error: { code: string; message: string; reason?: string; fields?: Array<{ field: string; problem: string }>; uses?: UnitUse[] };
}

type ErrorDetails = Pick<ErrorBody['error'], 'reason' | 'fields' | 'uses'>;

/** What a business error adds to its body: a task's state, the fields it refuses (as a validation error names them), a unit's uses. */
const reasonOf = (details: unknown): ErrorDetails => {
  const { reason, fields, uses } = (details ?? {}) as { reason?: unknown; fields?: unknown; uses?: unknown };
  return {
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(Array.isArray(fields) ? { fields: fields as ErrorDetails['fields'] } : {}),
    ...(Array.isArray(uses) ? { uses: uses as UnitUse[] } : {}),
  };
};

function fieldsOf(err: ZodError, prefix?: string) {
  const name = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  // An unknown key is named itself, not its parent object.
  return err.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: name([...issue.path, key]), problem: 'is not a known field' }))
      : [{ field: name(issue.path), problem: issue.message }],
  );
}

/** Whether a failure carries one of our error codes (a validator's refusal), somewhere down its causes. */
export function isCodedFailure(err: unknown): boolean {
  return findApplicationFailure(err) !== undefined;
}

function findApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current instanceof ApplicationFailure && isErrorCode(current.type)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// Node socket errors, PostgreSQL admin shutdown / not yet accepting / too many connections, Prisma's "can't reach" / "closed".
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', '57P01', '57P03', '53300', 'P1001', 'P1002', 'P1017']);

export function isUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && unavailableCodes.has(code)) return true;
    if (isGrpcServiceError(current) && (current.code === 14 || current.code === 4)) return true;
    if (current instanceof Error && /Can't reach database|connection terminated|timeout exceeded when trying to connect|Server has closed the connection/i.test(current.message)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** Maps every error the API can meet to a status and a body. Messages never carry request values. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof ZodError) {
    const fields = fieldsOf(err);
    return {
      status: 400,
      body: { error: { code: ErrorCode.ValidationFailed, message: `invalid request: ${fields.map((f) => f.field).join(', ')}`, fields } },
    };
  }
  if (err instanceof AppError) {
    return { status: httpStatusFor[err.code], body: { error: { code: err.code, message: err.message, ...reasonOf(err.details) } } };
  }
  const failure = findApplicationFailure(err);
  if (failure?.type && isErrorCode(failure.type)) {
    const fields = failure.type === ErrorCode.ValidationFailed ? (failure.details?.[0] as ErrorBody['error']['fields']) : undefined;
    const reason = failure.type === ErrorCode.ValidationFailed ? {} : reasonOf(failure.details?.[0]);
    return { status: httpStatusFor[failure.type], body: { error: { code: failure.type, message: failure.message, ...reason, fields } } };
  }
  if (err instanceof WorkflowNotFoundError) {
    return { status: 404, body: { error: { code: ErrorCode.NotFound, message: 'no such running case or task' } } };
  }
  if (isUnavailable(err)) {
    return {
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { error: { code: ErrorCode.Unavailable, message: 'a backing service is unavailable; retry shortly' } },
    };
  }
  const bodyParser = err as { type?: string; status?: number };
  if (bodyParser.type === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: ErrorCode.ValidationFailed, message: 'the body is not valid JSON' } } };
  }
  if (bodyParser.type === 'entity.too.large') {
    return { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'the body is too large' } } };
  }
  if (typeof bodyParser.status === 'number' && bodyParser.status >= 400 && bodyParser.status < 500) {
    return { status: bodyParser.status, body: { error: { code: 'BAD_REQUEST', message: 'the request could not be read' } } };
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return { status: 409, body: { error: { code: 'UPDATE_REJECTED', message: 'the task rejected the change' } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const mapped = toHttpError(err);
  if (mapped.status >= 500) {
    // Name and code only: driver messages can quote the values of a failed query.
    log.error('request failed', {
      route: req.route?.path ?? req.path,
      method: req.method,
      status: mapped.status,
      error: (err as Error)?.name,
      code: (err as { code?: string })?.code,
    });
  }
  for (const [k, v] of Object.entries(mapped.headers ?? {})) res.setHeader(k, v);
  res.status(mapped.status).json(mapped.body);
};
