import express, { type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from './context';
import { errorHandler } from './errors';
import {
  acknowledgeEscalationBody,
  completeTaskBody,
  escalationListQuery,
  extendDeadlineBody,
  idempotencyKeyHeader,
  idParam,
  notificationListQuery,
  startCaseBody,
  taskListQuery,
} from './schemas';
import { getCase, startCase } from './useCases/cases';
import { acknowledgeEscalation, listEscalations } from './useCases/escalations';
import { listNotifications } from './useCases/notifications';
import { readiness } from './useCases/health';
import { completeTask, extendDeadline, listUnitTasks } from './useCases/tasks';

export type { ApiDeps } from './context';

const actorHeader = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'must be a user id');

/**
 * Who is acting. Until token authentication lands (issue 4) the caller names itself in
 * X-Actor-Id; the id is recorded on completions, extensions and acknowledgements.
 */
function actorOf(req: Request): string {
  const header = req.header('x-actor-id');
  if (header === undefined) return 'anonymous';
  const parsed = actorHeader.safeParse(header);
  if (!parsed.success) throw new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['X-Actor-Id'] })));
  return parsed.data;
}

function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.header('idempotency-key');
  if (header === undefined) return undefined;
  const parsed = idempotencyKeyHeader.safeParse(header);
  if (!parsed.success) throw new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] })));
  return parsed.data;
}

function param(req: Request, name: string): string {
  const parsed = idParam.safeParse(req.params[name]);
  if (!parsed.success) throw new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: [name] })));
  return parsed.data;
}

/** Routes validate, call one use-case and return; errors map to HTTP in errorHandler alone. */
export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: deps.config.bodyLimit ?? '100kb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const result = await readiness(deps);
    if (!result.ready) res.setHeader('Retry-After', '5');
    res.status(result.ready ? 200 : 503).json(result);
  });

  app.post('/cases', async (req, res) => {
    const body = startCaseBody.parse(req.body);
    const result = await startCase(deps, body, { actor: actorOf(req), idempotencyKey: idempotencyKeyOf(req) });
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(result.body);
  });
  app.get('/cases/:caseId', async (req, res) => {
    res.json(await getCase(deps, param(req, 'caseId')));
  });

  app.post('/tasks/:taskId/complete', async (req, res) => {
    res.json(await completeTask(deps, param(req, 'taskId'), completeTaskBody.parse(req.body), actorOf(req)));
  });
  app.post('/tasks/:taskId/extend', async (req, res) => {
    res.json(await extendDeadline(deps, param(req, 'taskId'), extendDeadlineBody.parse(req.body), actorOf(req)));
  });
  app.get('/units/:unitCode/tasks', async (req, res) => {
    res.json(await listUnitTasks(deps, param(req, 'unitCode'), taskListQuery.parse(req.query)));
  });

  app.get('/escalations', async (req, res) => {
    res.json(await listEscalations(deps, escalationListQuery.parse(req.query)));
  });
  app.post('/escalations/:escalationId/acknowledge', async (req, res) => {
    res.json(
      await acknowledgeEscalation(deps, param(req, 'escalationId'), acknowledgeEscalationBody.parse(req.body ?? {}), actorOf(req)),
    );
  });

  app.get('/notifications', async (req, res) => {
    res.json(await listNotifications(deps, notificationListQuery.parse(req.query)));
  });

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  app.use(errorHandler);
  return app;
}
