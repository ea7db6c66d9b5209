import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Principal } from '../domain/auth';
import { log } from '../config/log';
import { checkScope, requireRole, type Grant } from './access';
import { createAuditWriter, type AuditEntry, type AuditNote, type AuditWriter } from './audit';
import { authenticate, principalOf } from './auth';
import type { ApiDeps } from './context';
import { toHttpError } from './errors';
import type { Operation } from './operation';
import { addressLimiter, tokenLimiter } from './rateLimits';
import { auditRefusals } from './refusalAudit';
import { requestContext, requestIdOf, sourceAddressOf } from './requestContext';
import { wellFormedIds } from './querySchemas';
import { staffDirectoryRecorder } from './staffDirectory';

/**
 * The one adapter between Express and the declared operations: parse, check access, handle,
 * audit, respond. Every request gets an id and is rate-limited per client address first. Public
 * operations are mounted next; everything after them needs a valid token, is rate-limited per
 * token subject, and leaves an audit row, refusals before the operation included.
 */
export function mountOperations(app: express.Express, operations: readonly Operation[], deps: ApiDeps): void {
  app.use(requestContext);
  app.use(addressLimiter(deps));
  for (const op of operations.filter((o) => o.access === 'public')) app[op.method](op.path, serve(op, deps));
  // A token verified afresh (not per request) records its person in the staff directory.
  app.use(authenticate(deps.config.auth, { onVerified: staffDirectoryRecorder(deps) }));
  app.use(tokenLimiter(deps));
  app.use(express.json({ limit: deps.config.bodyLimit ?? '100kb' }));
  const audit = createAuditWriter(deps.prisma);
  // Refusals raised above (address or token limit, token, body) are recorded here, then mapped.
  app.use(auditRefusals(deps, audit, operations));
  for (const op of operations.filter((o) => o.access !== 'public')) app[op.method](op.path, serve(op, deps, audit));
}

function headersOf(op: Operation, req: Request): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(op.headers?.shape ?? {}).map((name) => [name, req.header(name)]));
}

function serve(op: Operation, deps: ApiDeps, audit?: AuditWriter): RequestHandler {
  return async (req: Request, res: Response) => {
    res.locals.operation = op.id;
    const caller = audit ? principalOf(res) : (undefined as unknown as Principal);
    const reply = await runOperation(op, deps, audit, {
      caller,
      params: req.params as Record<string, string | undefined>,
      query: req.query,
      headers: headersOf(op, req),
      body: req.body,
      method: req.method,
      sourceAddress: sourceAddressOf(req),
      requestId: requestIdOf(res),
    });
    res.status(reply.status);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (op.contentType) res.type(op.contentType).send(reply.body);
    else res.json(reply.body);
  };
}

/** One call of an operation, however it arrived: the API's router, or the web app acting for its signed-in user. */
export interface OperationCall {
  caller: Principal;
  params?: Record<string, string | undefined>;
  query?: unknown;
  headers?: Record<string, string | undefined>;
  body?: unknown;
  /** As received (a HEAD reaches a GET route); the operation's method by default. */
  method?: string;
  sourceAddress?: string;
  requestId?: string;
}

/**
 * The pipeline every operation runs: role, parse, scope, (intent row,) handle, audit row. Throws
 * what failed (after its audit row is written); answers the operation's reply otherwise. Without
 * an audit writer (public operations) nothing is recorded.
 */
export async function runOperation(op: Operation, deps: ApiDeps, audit: AuditWriter | undefined, call: OperationCall) {
  // A POST changes something; unless its use-case writes the row with the change, an intent row goes first.
  const recordsIntent = op.method === 'post' && !op.auditsWithChange;
  const caller = call.caller;
  const request = { principal: caller, action: op.auditAction, method: call.method ?? op.method.toUpperCase(), route: op.path, sourceAddress: call.sourceAddress, requestId: call.requestId };
  const entry = (status: number | null, note: AuditNote, phase?: AuditEntry['phase']): AuditEntry => ({ ...request, status, ...note, ...(phase ? { phase } : {}) });
  const target = op.auditTarget?.(call.params ?? {});
  let note: AuditNote = { ...wellFormedIds(call.params ?? {}), ...(target ? { detail: target } : {}) };
  let reply: Awaited<ReturnType<Operation['handle']>> | undefined;
  let failure: unknown;
  let intended = false;
  try {
    if (op.access !== 'public') requireRole(caller, ...op.access.roles);
    const input = {
      params: op.params?.parse(call.params ?? {}) as Record<string, string> | undefined,
      query: op.query?.parse(call.query ?? {}) as { unit?: string } | undefined,
      headers: op.headers?.parse(call.headers ?? {}),
      body: op.body?.parse(call.body ?? {}),
    };
    const grant: Grant = op.access === 'public' ? {} : await checkScope(deps, caller, op.access.scope, input);
    note = { ...note, ...(grant.caseId ? { caseId: grant.caseId } : {}), ...(grant.taskId ? { taskId: grant.taskId } : {}), ...(grant.detail ? { detail: grant.detail } : {}) };
    // Before the change is attempted: if this row cannot be written, nothing is changed (503).
    if (audit && recordsIntent) {
      await audit.record(entry(null, note, 'intent'));
      intended = true;
    }
    reply = await op.handle({ deps, caller, grant, ...input, auditRow: (status) => ({ at: new Date().toISOString(), entry: entry(status, note) }) });
    note = { ...note, ...reply.audit };
  } catch (err) {
    failure = err ?? new Error('unknown failure');
  }
  if (audit && !reply?.audited) {
    const row = entry(reply ? reply.status : toHttpError(failure).status, note, intended ? 'result' : undefined);
    // Written before the answer leaves, refusals too; if it cannot be written the caller gets 503,
    // not the data. A result whose intent stands is the exception: the change is on record as
    // attempted, so the caller learns what happened to it rather than a 503 that invites a retry.
    const intentStands = (err: unknown) => log.error('audit result row not written; its intent row stands', { action: op.auditAction, requestId: request.requestId, error: (err as Error)?.name });
    await (intended ? audit.record(row).catch(intentStands) : audit.record(row));
  }
  if (!reply) throw failure;
  return reply;
}
