import express from 'express';
import { log } from '../config/log';
import { codecRouter } from './codecServer';
import type { ApiDeps } from './context';
import { errorHandler } from './errors';
import { mountOperations } from './mount';
import { addressLimiter } from './rateLimits';
import { requestContext } from './requestContext';
import { operations } from './operations';
import { webApp, type WebConfig } from '../web/app';

export type { ApiDeps } from './context';

/** The Express app: an access log, the codec endpoint, the staff web app (when configured), the declared operations, and the one error mapper. */
export function createApp(deps: ApiDeps, opts: { web?: WebConfig } = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Which proxies' X-Forwarded-For to believe (TRUST_PROXY): req.ip is then the client's address, for the limits and the audit trail.
  app.set('trust proxy', deps.config.trustProxy ?? false);
  // Access log: method, path (ids only, never a body or query) and status.
  app.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => log.info('request', { method: req.method, path: req.baseUrl + req.path, status: res.statusCode, ms: Date.now() - started }));
    next();
  });
  // Temporal's codec-server protocol, not part of this API: mounted on its own, since CORS preflights
  // carry no token and it checks for the role operator, its own limit and body size itself.
  if (deps.config.codec) app.use('/codec', requestContext, addressLimiter(deps), codecRouter(deps));
  // The web app signs in with a session cookie, not a bearer token: mounted before the API's token check.
  if (opts.web) app.use(opts.web.basePath, webApp(deps, opts.web));
  mountOperations(app, operations, deps);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  app.use(errorHandler);
  return app;
}
