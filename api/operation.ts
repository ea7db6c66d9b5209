import type { z } from 'zod';
import type { Principal, Role } from '../domain/auth';
import type { AuditNote, AuditRow } from './audit';
import type { Grant, ScopeKind } from './access';
import type { ApiDeps } from './context';

/**
 * One HTTP operation, declared once: the router (api/mount.ts), the OpenAPI document
 * (api/openapi.ts), the contract checker, the role × route test and the fuzz test all read it.
 */

/** Who may call: nobody needs a token (`'public'`), or one of `roles` within `scope` (see api/access.ts). */
export type Access = 'public' | { roles: readonly Role[]; scope: ScopeKind };

type Schema = z.ZodType;
type ObjectSchema = z.ZodObject;
/** Statuses whose body is the operation's own; every other declared status answers with the shared error body. */
type Responses = Partial<Record<200 | 201 | 503, Schema>>;

/** What the handler answers: a declared status, its body, and what the audit row should add. */
export type Reply<R extends Responses> = {
  [S in keyof R & number]: {
    status: S;
    body: R[S] extends Schema ? z.input<R[S]> : never;
    headers?: Record<string, string>;
    /** Ids and filters for the audit trail (never request bodies: they can hold personal data). */
    audit?: AuditNote;
    /** The use-case committed this status's audit row with its change, in the same statement. */
    audited?: boolean;
  };
}[keyof R & number];

type Parsed<S> = S extends Schema ? z.output<S> : undefined;

export interface OperationContext<P, Q, H, B> {
  deps: ApiDeps;
  /** Undefined only for public operations. */
  caller: Principal;
  params: Parsed<P>;
  query: Parsed<Q>;
  headers: Parsed<H>;
  body: Parsed<B>;
  /** What the access check found: the units the caller may list, the case or task it acts on. */
  grant: Grant;
  /** This request's audit row with `status`, for a use-case that writes it with its change. */
  auditRow(status: number): AuditRow;
}

export interface OperationSpec<P, Q, H, B, R extends Responses> {
  /** `<resource>.<verb>`: also the audit action, so the trail and the document use one name. */
  id: string;
  method: 'get' | 'post';
  /** Express-style (`/cases/:caseId`); the document writes `{caseId}`. */
  path: string;
  summary: string;
  access: Access;
  params?: P;
  query?: Q;
  /** Request headers the operation reads, by their canonical names (e.g. `Idempotency-Key`). */
  headers?: H;
  body?: B;
  responses: R;
  /** Statuses the use-case answers with the shared error body, with what each means here. */
  errors?: Partial<Record<404 | 409 | 422, string>>;
  /** The 2xx body's media type when it is not JSON (the body schema is then a string). */
  contentType?: string;
  /** The audit action when it is not the id (two operations may share one, e.g. a report and its CSV). */
  auditAction?: string;
  /**
   * The use-case commits the request's audit row in the statement that makes its change (as a case
   * start does), so no intent row is written first. Other POSTs are recorded as intent, then result.
   */
  auditsWithChange?: true;
  /**
   * What the audit row names from the path whatever the outcome, so that a refused change says
   * what it was refused on (a registry code; never personal data). Absent when not well formed.
   */
  auditTarget?: (params: Record<string, string | undefined>) => Record<string, unknown> | undefined;
  handle(ctx: OperationContext<P, Q, H, B>): Promise<Reply<NoInfer<R>>>;
}

export interface Operation extends Omit<OperationSpec<Schema, Schema, Schema, Schema, Responses>, 'handle' | 'params' | 'query' | 'headers' | 'errors'> {
  params?: ObjectSchema;
  query?: ObjectSchema;
  headers?: ObjectSchema;
  /** Every status the operation can answer, with its description: the body's own, or the shared error body. */
  statuses: Record<number, string>;
  auditAction: string;
  handle(ctx: Omit<OperationContext<never, never, never, never>, 'params' | 'query' | 'headers' | 'body'> & Record<'params' | 'query' | 'headers' | 'body', unknown>): Promise<{ status: number; body: unknown; headers?: Record<string, string>; audit?: AuditNote; audited?: boolean }>;
}

/** A 200 with a page of a list: its audit row carries the filter asked for and how many rows it returned (never the rows). */
export function listed<B extends { items: unknown[] }>(body: B, unit: string | null | undefined, status: string) {
  return { status: 200 as const, body, audit: { detail: { unit: unit ?? null, status, returned: body.items.length } } };
}

const describe: Record<number, string> = {
  400: 'invalid input; the body names each field',
  401: 'no valid bearer token',
  403: 'the caller may not do this',
  404: 'not found, or not visible to the caller',
  413: 'the body is larger than the limit',
  429: 'the rate limit for this address (or, with a token, for the token) is spent; retry after the window',
  503: 'a backing service is unavailable; retry shortly',
};

/** Scopes that look a case, task or escalation up: one the caller may not see is 404, not 403. */
const scopesThatFind: ReadonlySet<ScopeKind> = new Set(['caseVisible', 'caseTaskHolder', 'taskUnitStaff', 'taskUnitSupervisor', 'escalationUnitSupervisor', 'taskVisible']);

/**
 * Declares an operation. Besides its own statuses, it may answer what the adapter and the access
 * check produce: 429 for an address over its limit, 400 for input that fails a schema, 401/403/429
 * on an authenticated route, 404 for a case or task out of sight, 413 for a body over the limit,
 * 503 when the database (which every audited request writes to) is away.
 */
export function defineOperation<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Responses = Responses,
>(spec: OperationSpec<P, Q, H, B, R>): Operation {
  const statuses: Record<number, string> = {};
  for (const [status, schema] of Object.entries(spec.responses)) statuses[Number(status)] = schema?.description ?? (status === '201' ? 'created' : 'the answer');
  const add = (status: number, text = describe[status]) => (statuses[status] ??= text);
  if (spec.params || spec.query || spec.headers || spec.body) add(400);
  // The per-address limit comes before everything, public operations included.
  add(429);
  if (spec.access !== 'public') {
    [401, 403, 503].forEach((s) => add(s));
    if (scopesThatFind.has(spec.access.scope)) add(404);
  }
  // Every authenticated request passes the JSON body parser, which refuses broken JSON (400) and too much of it (413).
  if (spec.body || (spec.method === 'post' && spec.access !== 'public')) [400, 413].forEach((s) => add(s));
  for (const [status, text] of Object.entries(spec.errors ?? {})) statuses[Number(status)] = text;
  return { ...(spec as unknown as Operation), statuses, auditAction: spec.auditAction ?? spec.id };
}

/** Finds the declared operation a method and path would reach, with its path parameters (before Express has routed it). */
export function operationMatcher(operations: readonly Operation[]) {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = operations.map((op) => ({
    op,
    pattern: new RegExp(`^${op.path.split(/(:\w+)/).map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : escape(part))).join('')}$`),
  }));
  return (method: string, path: string): { op: Operation; params: Record<string, string> } | undefined => {
    for (const { op, pattern } of patterns) {
      const match = op.method === method.toLowerCase() ? pattern.exec(path) : null;
      if (match) return { op, params: { ...match.groups } };
    }
    return undefined;
  };
}
