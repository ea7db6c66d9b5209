import express, { type ErrorRequestHandler } from 'express';
import { createAuditWriter } from '../api/audit';
import { accessTokenVerifier } from '../api/auth';
import type { ApiDeps } from '../api/context';
import { addressLimiter } from '../api/rateLimits';
import { requestContext, requestIdOf, sourceAddressOf } from '../api/requestContext';
import { staffDirectoryRecorder } from '../api/staffDirectory';
import { log } from '../config/log';
import { operationInvoker } from './invoke';
import { pageKit } from './kit';
import { administrationRoutes } from './routes/administration';
import { caseworkRoutes } from './routes/casework';
import { coordinationRoutes } from './routes/coordination';
import { findingRoutes } from './routes/finding';
import { publishingRoutes } from './routes/publishing';
import { watchdogRoutes } from './routes/watchdog';
import { sv } from '../domain/catalog';
import { oidcClient, type OidcConfig } from './oidc';
import { endSession, loadSession, startSession, type Session } from './session';
import { homeFor } from './views/layout';
import { ErrorPage, LoginPage, StatementPage } from './views/simplePages';

/** Where the web app is mounted: emails link to `<APP_BASE_URL>/app/…`. */
export const webBasePath = '/app';

/** The staff web app's configuration: where it is mounted, and the identity provider it signs in with. */
export interface WebConfig {
  /** The path the app is mounted under, e.g. `/app`. */
  basePath: string;
  oidc: OidcConfig;
  /** Secure cookies (https only): everywhere but a developer's loopback. */
  secureCookies: boolean;
}

const htmxFile = require.resolve('htmx.org/dist/htmx.min.js');
const stylesheet = `${__dirname}/static/app.css`;

// No inline script or style anywhere; htmx is configured to need neither (see the layout's meta).
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The staff web app: server-rendered pages in Swedish over the API's own operations. Every page
 * that shows case data runs the operation the API would (web/invoke.ts), so it is checked and
 * audited the same way.
 */
export function webApp(deps: ApiDeps, config: WebConfig): express.Router {
  const router = express.Router();
  const base = config.basePath;
  const cookie = { secure: config.secureCookies, path: base };
  const audit = createAuditWriter(deps.prisma);
  const kit = pageKit(deps, base, operationInvoker(deps, audit), audit);
  // Its own verifier (its own cache): every sign-in is a fresh verification, so it records the person in the staff directory.
  const verify = accessTokenVerifier(deps.config.auth, { onVerified: staffDirectoryRecorder(deps) });
  const oidc = oidcClient(config.oidc, deps.prisma);

  router.use(requestContext);
  router.use(addressLimiter(deps));
  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Case ids are in the paths: no Referer carries them to another site.
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  router.get('/static/htmx.min.js', (_req, res) => res.sendFile(htmxFile, { maxAge: '1h' }));
  router.get('/static/app.css', (_req, res) => res.sendFile(stylesheet, { maxAge: '1h' }));
  router.get('/static/favicon.svg', (_req, res) => res.sendFile(`${__dirname}/static/favicon.svg`, { maxAge: '1d' }));
  router.use(express.urlencoded({ extended: false, limit: '100kb' }));
  router.use(async (req, res, next) => {
    // Pages hold case data: never cached, by the browser or anyone between.
    res.setHeader('Cache-Control', 'no-store');
    res.locals.session = await loadSession(deps.prisma, req);
    next();
  });

  const { ctxOf, send, notFound, signedIn } = kit;


  router.get('/', (req, res) => {
    const session = res.locals.session as Session | undefined;
    if (session) return res.redirect(303, `${base}${homeFor(session.principal)}`);
    const notice = req.query.utloggad === '1' ? 'loggedOut' : req.query.fel === '1' ? 'failed' : undefined;
    send(res, 200, <LoginPage ctx={ctxOf(res)} notice={notice} />);
  });

  router.get('/tillganglighet', (_req, res) => send(res, 200, <StatementPage ctx={ctxOf(res)} />));

  // Only paths inside the app are returned to after signing in (no open redirect).
  const safeReturn = (value: unknown) => (typeof value === 'string' && value.startsWith(`${base}/`) && !value.startsWith('//') && !value.includes('\\') ? value : `${base}/`);

  router.get('/logga-in', async (req, res) => {
    res.redirect(303, await oidc.begin(safeReturn(req.query.returnTo)));
  });

  router.get('/auth/callback', async (req, res) => {
    try {
      const { accessToken, returnTo } = await oidc.finish(req.query as Record<string, unknown>);
      // The same check as the API's bearer tokens: issuer, audience, type at+jwt, expiry, roles.
      const who = await verify(accessToken);
      const exp = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { exp: number };
      await startSession(deps.prisma, res, who, new Date(exp.exp * 1000), cookie);
      await audit.record({ principal: who, action: 'session.start', method: 'GET', route: `${base}/auth/callback`, status: 303, sourceAddress: sourceAddressOf(req), requestId: requestIdOf(res) });
      res.redirect(303, safeReturn(returnTo));
    } catch (err) {
      // Why, as a class only: never the code, the tokens or the claims.
      log.warn('web login failed', { error: (err as Error)?.name, reason: (err as Error)?.name === 'OidcError' ? (err as Error).message : undefined });
      res.redirect(303, `${base}/?fel=1`);
    }
  });

  router.post('/logga-ut', signedIn, async (req, res) => {
    const session = res.locals.session as Session;
    await audit.record({ principal: session.principal, action: 'session.end', method: 'POST', route: `${base}/logga-ut`, status: 303, sourceAddress: sourceAddressOf(req), requestId: requestIdOf(res) });
    await endSession(deps.prisma, res, session, cookie);
    res.redirect(303, `${base}/?utloggad=1`);
  });

  caseworkRoutes(router, kit);
  administrationRoutes(router, kit);
  coordinationRoutes(router, kit);
  findingRoutes(router, kit);
  publishingRoutes(router, kit);
  watchdogRoutes(router, kit);

  router.use((_req, res) => notFound(res));
  // Express 5 passes a rejected handler here: a page, not the API's JSON.
  const pageFailed: ErrorRequestHandler = (err, _req, res, _next) => {
    log.error('web page failed', { error: (err as Error)?.name, code: (err as { code?: string })?.code });
    send(res, 503, <ErrorPage ctx={ctxOf(res)} title={sv.errors.unavailableTitle} text={sv.errors.unavailable} />);
  };
  router.use(pageFailed);
  return router;
}

