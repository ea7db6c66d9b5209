import express, { type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { log } from '../config/log';
import { codecRouter } from './codecServer';
import type { Principal } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import {
  assertCaseVisible,
  assertEscalationActionAllowed,
  assertTaskActionAllowed,
  requireRole,
  unitScope,
} from './access';
import { createAuditWriter, type AuditEntry, type AuditNote, type InlineAudit } from './audit';
import { authenticate, principalOf } from './auth';
import type { ApiDeps } from './context';
import { AppError, errorHandler, toHttpError } from './errors';
import { openApiDocument } from './openapi';
import {
  acknowledgeEscalationBody,
  auditQuery,
  completeTaskBody,
  escalationListQuery,
  extendDeadlineBody,
  idParam,
  raiseAcuteThreatBody,
  refuseConsentBody,
  idempotencyKeyHeader,
  notificationListQuery,
  recordConsentBody,
  reportQuery,
  routeReferralBody,
  startCaseBody,
  taskListQuery,
  taskSearchQuery,
  unitCodeSchema,
} from './schemas';
import { policyDocumentSchema } from '../domain/policy';
import { routingTableSchema } from '../domain/routing';
import { getPolicy, getRouting, listPolicies, publishPolicyVersion, publishRoutingVersion } from './useCases/admin';
import { listAudit } from './useCases/audit';
import { getCase, routeAndStart, startCase } from './useCases/cases';
import { recordConsent, withdrawConsent } from './useCases/consents';
import { raiseAcuteThreat } from './useCases/raiseAcuteThreat';
import { refuseConsent } from './useCases/refuseConsent';
import { acknowledgeEscalation, listEscalations } from './useCases/escalations';
import { listNotifications } from './useCases/notifications';
import { readiness } from './useCases/health';
import { reportCsv, unitStepReport } from './useCases/reports';
import { completeTask, extendDeadline, listTasks, listUnitTasks } from './useCases/tasks';

export type { ApiDeps } from './context';

/** An optional Idempotency-Key header makes retrying POST /cases and POST /referrals safe. */
function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.header('idempotency-key');
  if (header === undefined) return undefined;
  const parsed = idempotencyKeyHeader.safeParse(header);
  if (!parsed.success) throw new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] })));
  return parsed.data;
}

function param(req: Request, name: string, schema: z.ZodType<string> = idParam): string {
  const parsed = schema.safeParse(req.params[name]);
  if (!parsed.success) throw new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: [name] })));
  return parsed.data;
}

interface Handled {
  status?: number;
  body: unknown;
  /** Send `body` (a string) with this content type instead of JSON. */
  contentType?: string;
}
type Handler = (req: Request, res: Response, caller: Principal, note: AuditNote, inline: InlineAudit) => Promise<Handled>;

/** Routes validate, call one use-case and return; errors map to HTTP in errorHandler alone. */
export function createApp(deps: ApiDeps): express.Express {
  const { prisma } = deps;
  const audit = createAuditWriter(prisma);
  const app = express();
  app.disable('x-powered-by');
  // Access log: method, path (ids only, never a body or query) and status.
  app.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => log.info('request', { method: req.method, path: req.baseUrl + req.path, status: res.statusCode, ms: Date.now() - started }));
    next();
  });
  // Before token authentication and the JSON parser: the codec endpoint checks operators itself,
  // its batches are larger than API bodies, and CORS preflights carry no token.
  if (deps.config.codec) app.use('/codec', codecRouter(deps.config.codec));

  /**
   * Every authenticated route goes through here: the audit row (who, what, route, status) is
   * written before the response leaves, for refusals too. If it cannot be written the caller
   * gets 503, not the data.
   */
  const audited =
    (action: string, handler: Handler): RequestHandler =>
    async (req, res) => {
      const caller = principalOf(res);
      const note: AuditNote = {};
      // Ids from the path are recorded only when well-formed: never echo arbitrary input.
      const { caseId, taskId } = req.params as Record<string, string | undefined>;
      if (caseId !== undefined && idParam.safeParse(caseId).success) note.caseId = caseId;
      if (taskId !== undefined && idParam.safeParse(taskId).success) note.taskId = taskId;
      const entry = (status: number): AuditEntry => ({ principal: caller, action, method: req.method, route: req.route?.path ?? req.path, status, ...note });
      let writtenInline: number | undefined;
      const inline: InlineAudit = {
        row: (status) => ({ at: new Date().toISOString(), entry: entry(status) }),
        written: (status) => (writtenInline = status),
      };
      let result: Handled | undefined;
      let failure: unknown;
      try {
        result = await handler(req, res, caller, note, inline);
      } catch (err) {
        failure = err ?? new Error('unknown failure');
      }
      const status = result ? (result.status ?? 200) : toHttpError(failure).status;
      // A use-case that wrote the row with its change needs none here, unless the answer changed after.
      if (writtenInline !== status) await audit.record(entry(status));
      if (!result) throw failure;
      res.status(status);
      if (result.contentType) res.type(result.contentType).send(result.body);
      else res.json(result.body);
    };

  // Public: liveness, readiness and the API description.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const result = await readiness(deps);
    if (!result.ready) res.setHeader('Retry-After', '5');
    res.status(result.ready ? 200 : 503).json(result);
  });
  const openApi = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  // Everything below needs a valid token, is rate-limited per token subject, and is audited.
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

  app.post(
    '/cases',
    audited('case.create', async (req, res, caller, note, inline) => {
      requireRole(caller, 'coordinator');
      const started = await startCase(deps, startCaseBody.parse(req.body), { actor: caller.sub, idempotencyKey: idempotencyKeyOf(req), audit: inline });
      note.caseId = started.body.caseId;
      if (started.replayed) res.setHeader('Idempotent-Replayed', 'true');
      return { status: 201, body: started.body };
    }),
  );
  app.get(
    '/cases/:caseId',
    audited('case.read', async (req, _res, caller) => {
      requireRole(caller, 'coordinator', 'staff', 'supervisor');
      const caseId = param(req, 'caseId');
      await assertCaseVisible(prisma, caller, caseId);
      return { body: await getCase(deps, caseId) };
    }),
  );

  app.post(
    '/referrals',
    audited('referral.route', async (req, res, caller, note, inline) => {
      requireRole(caller, 'coordinator');
      const started = await routeAndStart(deps, routeReferralBody.parse(req.body).referral, { actor: caller.sub, idempotencyKey: idempotencyKeyOf(req), audit: inline });
      note.caseId = started.body.caseId;
      if (started.replayed) res.setHeader('Idempotent-Replayed', 'true');
      return { status: 201, body: started.body };
    }),
  );
  app.post(
    '/cases/:caseId/consents',
    audited('consent.record', async (req, _res, caller, note) => {
      requireRole(caller, 'coordinator');
      const caseId = param(req, 'caseId');
      note.caseId = caseId;
      return { status: 201, body: await recordConsent(deps, caseId, recordConsentBody.parse(req.body), caller.sub) };
    }),
  );
  app.post(
    '/cases/:caseId/consents/:consentId/withdraw',
    audited('consent.withdraw', async (req, _res, caller, note) => {
      requireRole(caller, 'coordinator');
      const caseId = param(req, 'caseId');
      note.caseId = caseId;
      return { body: await withdrawConsent(deps, caseId, param(req, 'consentId'), caller.sub) };
    }),
  );

  app.post(
    '/cases/:caseId/consent-refusals',
    audited('consent.refuse', async (req, _res, caller) => {
      requireRole(caller, 'coordinator');
      return { status: 201, body: await refuseConsent(deps, param(req, 'caseId'), refuseConsentBody.parse(req.body), caller.sub) };
    }),
  );
  app.post(
    '/cases/:caseId/acute-threats',
    audited('case.acute-threat', async (req, _res, caller) => {
      requireRole(caller, 'coordinator', 'staff');
      const body = raiseAcuteThreatBody.parse(req.body);
      return { status: 201, body: await raiseAcuteThreat(deps, caller, param(req, 'caseId'), body) };
    }),
  );

  // Admin: policies and the routing table are data, published without a deploy.
  app.get(
    '/admin/policies',
    audited('policy.list', async (_req, _res, caller) => {
      requireRole(caller, 'admin');
      return { body: await listPolicies(deps) };
    }),
  );
  app.get(
    '/admin/policies/:caseType/:version',
    audited('policy.read', async (req, _res, caller) => {
      requireRole(caller, 'admin');
      return { body: await getPolicy(deps, param(req, 'caseType'), param(req, 'version')) };
    }),
  );
  app.post(
    '/admin/policies',
    audited('policy.publish', async (req, _res, caller) => {
      requireRole(caller, 'admin');
      return { status: 201, body: await publishPolicyVersion(deps, policyDocumentSchema.parse(req.body)) };
    }),
  );
  app.get(
    '/admin/routing',
    audited('routing.read', async (_req, _res, caller) => {
      requireRole(caller, 'admin');
      return { body: await getRouting(deps) };
    }),
  );
  app.post(
    '/admin/routing',
    audited('routing.publish', async (req, _res, caller) => {
      requireRole(caller, 'admin');
      return { status: 201, body: await publishRoutingVersion(deps, routingTableSchema.parse(req.body)) };
    }),
  );

  app.get(
    '/tasks',
    audited('task.list', async (req, _res, caller, note) => {
      const query = taskSearchQuery.parse(req.query);
      const result = await listTasks(deps, unitScope(caller, query.unit), query);
      note.detail = { unit: query.unit ?? null, status: query.status, returned: result.items.length };
      return { body: result };
    }),
  );
  app.get(
    '/units/:unitCode/tasks',
    audited('task.list', async (req, _res, caller, note) => {
      const unitCode = param(req, 'unitCode', unitCodeSchema);
      unitScope(caller, unitCode);
      const query = taskListQuery.parse(req.query);
      const result = await listUnitTasks(deps, unitCode, query);
      note.detail = { unit: unitCode, status: query.status, returned: result.items.length };
      return { body: result };
    }),
  );
  app.post(
    '/tasks/:taskId/complete',
    audited('task.complete', async (req, _res, caller, note) => {
      requireRole(caller, 'staff');
      const taskId = param(req, 'taskId');
      const body = completeTaskBody.parse(req.body);
      note.caseId = (await assertTaskActionAllowed(prisma, caller, taskId, 'staff')).caseId;
      return { body: await completeTask(deps, taskId, body, caller.sub) };
    }),
  );
  app.post(
    '/tasks/:taskId/extend',
    audited('task.extend', async (req, _res, caller, note) => {
      requireRole(caller, 'supervisor');
      const taskId = param(req, 'taskId');
      const body = extendDeadlineBody.parse(req.body);
      note.caseId = (await assertTaskActionAllowed(prisma, caller, taskId, 'supervisor')).caseId;
      return { body: await extendDeadline(deps, taskId, body, caller.sub) };
    }),
  );

  app.get(
    '/escalations',
    audited('escalation.list', async (req, _res, caller, note) => {
      const query = escalationListQuery.parse(req.query);
      const result = await listEscalations(deps, unitScope(caller, query.unit, 'supervisor'), query);
      note.detail = { unit: query.unit ?? null, status: query.status, returned: result.items.length };
      return { body: result };
    }),
  );
  app.get(
    '/notifications',
    audited('notification.list', async (req, _res, caller, note) => {
      // Emails that are not getting out are a supervisor's business, like a lapsed deadline.
      const query = notificationListQuery.parse(req.query);
      const result = await listNotifications(deps, unitScope(caller, query.unit, 'supervisor'), query);
      note.detail = { unit: query.unit ?? null, status: query.status, returned: result.items.length };
      return { body: result };
    }),
  );
  app.post(
    '/escalations/:escalationId/acknowledge',
    audited('escalation.acknowledge', async (req, _res, caller, note) => {
      requireRole(caller, 'supervisor');
      const escalationId = param(req, 'escalationId');
      const body = acknowledgeEscalationBody.parse(req.body ?? {});
      const target = await assertEscalationActionAllowed(prisma, caller, escalationId);
      Object.assign(note, { caseId: target.caseId, taskId: target.taskId, detail: { escalationId } });
      return { body: await acknowledgeEscalation(deps, escalationId, body, caller.sub) };
    }),
  );

  app.get(
    '/reports/tasks',
    audited('report.read', async (req, _res, caller) => {
      const query = reportQuery.parse(req.query);
      return { body: await unitStepReport(deps, unitScope(caller, query.unit, 'supervisor'), query) };
    }),
  );
  app.get(
    '/reports/tasks.csv',
    audited('report.read', async (req, _res, caller) => {
      const query = reportQuery.parse(req.query);
      const report = await unitStepReport(deps, unitScope(caller, query.unit, 'supervisor'), query);
      return { body: reportCsv(report.items), contentType: 'text/csv; charset=utf-8' };
    }),
  );

  app.get(
    '/audit',
    audited('audit.read', async (req, _res, caller) => {
      requireRole(caller, 'auditor');
      return { body: await listAudit(deps, auditQuery.parse(req.query)) };
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  app.use(errorHandler);
  return app;
}
