import express, { type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Principal } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import { checkScope, requireRole, type Grant } from './access';
import { createAuditWriter, type AuditEntry, type AuditNote, type AuditWriter } from './audit';
import { authenticate, principalOf } from './auth';
import type { ApiDeps } from './context';
import { AppError, toHttpError } from './errors';
import type { Operation } from './operation';
import { idParam } from './schemas';

/**
 * The one adapter between Express and the declared operations: parse, check access, handle,
 * audit, respond. Public operations are mounted first; everything after them needs a valid token,
 * is rate-limited per token subject, and leaves an audit row.
 */
export function mountOperations(app: express.Express, operations: readonly Operation[], deps: ApiDeps): void {
  for (const op of operations.filter((o) => o.access === 'public')) app[op.method](op.path, serve(op, deps));
  app.use(authenticate(deps.config.auth));
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.config.rateLimitPerMinute ?? 300,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (_req, res) => `sub:${principalOf(res).sub}`,
      handler: (_req, _res, next) => next(new AppError(ErrorCode.RateLimited, 'too many requests for this token; retry after the window')),
    }),
  );
  app.use(express.json({ limit: deps.config.bodyLimit ?? '100kb' }));
  const audit = createAuditWriter(deps.prisma);
  for (const op of operations.filter((o) => o.access !== 'public')) app[op.method](op.path, serve(op, deps, audit));
}

function headersOf(op: Operation, req: Request): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(op.headers?.shape ?? {}).map((name) => [name, req.header(name)]));
}

/** Ids from the path go on the audit row only when well-formed: never echo arbitrary input. */
function pathIds(req: Request): AuditNote {
  const { caseId, taskId } = req.params as Record<string, string | undefined>;
  return {
    ...(caseId !== undefined && idParam.safeParse(caseId).success ? { caseId } : {}),
    ...(taskId !== undefined && idParam.safeParse(taskId).success ? { taskId } : {}),
  };
}

function serve(op: Operation, deps: ApiDeps, audit?: AuditWriter): RequestHandler {
  return async (req: Request, res: Response) => {
    const caller = audit ? principalOf(res) : (undefined as unknown as Principal);
    const entry = (status: number, note: AuditNote): AuditEntry => ({ principal: caller, action: op.auditAction, method: req.method, route: op.path, status, ...note });
    let note = pathIds(req);
    let reply: Awaited<ReturnType<Operation['handle']>> | undefined;
    let failure: unknown;
    try {
      if (op.access !== 'public') requireRole(caller, ...op.access.roles);
      const input = {
        params: op.params?.parse(req.params) as Record<string, string> | undefined,
        query: op.query?.parse(req.query) as { unit?: string } | undefined,
        headers: op.headers?.parse(headersOf(op, req)),
        body: op.body?.parse(req.body ?? {}),
      };
      const grant: Grant = op.access === 'public' ? {} : await checkScope(deps, caller, op.access.scope, input);
      note = { ...note, ...(grant.caseId ? { caseId: grant.caseId } : {}), ...(grant.taskId ? { taskId: grant.taskId } : {}), ...(grant.detail ? { detail: grant.detail } : {}) };
      reply = await op.handle({ deps, caller, grant, ...input, auditRow: (status) => ({ at: new Date().toISOString(), entry: entry(status, note) }) });
      note = { ...note, ...reply.audit };
    } catch (err) {
      failure = err ?? new Error('unknown failure');
    }
    // Written before the answer leaves, refusals too; if it cannot be written the caller gets 503, not the data.
    if (audit && !reply?.audited) await audit.record(entry(reply ? reply.status : toHttpError(failure).status, note));
    if (!reply) throw failure;
    res.status(reply.status);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (op.contentType) res.type(op.contentType).send(reply.body);
    else res.json(reply.body);
  };
}
