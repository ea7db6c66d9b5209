import type { Request, Response } from 'express';
import { hasRole, type Principal } from '../domain/auth';
import type { AuditWriter } from '../api/audit';
import type { ApiDeps } from '../api/context';
import { toHttpError, type ErrorBody } from '../api/errors';
import { runOperation } from '../api/mount';
import { operations } from '../api/operations';
import { requestIdOf, sourceAddressOf } from '../api/requestContext';

export type Invocation<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ErrorBody['error'] };

/**
 * Runs a declared operation for the signed-in user, in process, through the same pipeline as the
 * API (role, parse, scope, handle, audit): a page view leaves the row its API read would, with
 * this request's id and address. The page never calls a use-case around the access check.
 */
export function operationInvoker(deps: ApiDeps, audit: AuditWriter) {
  const byId = new Map(operations.map((op) => [op.id, op]));
  return async function invoke<T>(
    id: string,
    req: Request,
    res: Response,
    caller: Principal,
    input: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } = {},
  ): Promise<Invocation<T>> {
    const op = byId.get(id);
    if (!op) throw new Error(`no operation ${id}`);
    try {
      const reply = await runOperation(op, deps, audit, {
        caller,
        params: input.params,
        query: input.query,
        body: input.body,
        sourceAddress: sourceAddressOf(req),
        requestId: requestIdOf(res),
      });
      return { ok: true, status: reply.status, body: reply.body as T };
    } catch (err) {
      const http = toHttpError(err);
      // A backing service away, or a bug: the page's error handler answers (503 or 500).
      if (http.status >= 500) throw err;
      return { ok: false, status: http.status, error: http.body.error };
    }
  };
}
export type Invoke = ReturnType<typeof operationInvoker>;

/** Whether the caller's roles allow the declared operation, so a page offers a link only to those it would serve. */
export function mayInvoke(id: string, caller: Principal): boolean {
  const op = operations.find((o) => o.id === id);
  if (!op) throw new Error(`no operation ${id}`);
  return op.access === 'public' || hasRole(caller, ...op.access.roles);
}
