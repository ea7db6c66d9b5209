import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { createAuditWriter } from '../api/audit';
import { accessTokenVerifier } from '../api/auth';
import type { ApiDeps } from '../api/context';
import type { CaseBody } from '../api/views/case';
import { policyByVersion } from '../api/publishedVersions';
import { addressLimiter } from '../api/rateLimits';
import { requestContext, requestIdOf, sourceAddressOf } from '../api/requestContext';
import { hasRole, visibleUnits } from '../domain/auth';
import { log } from '../config/log';
import { fromLocalInput, formatDateTime } from './format';
import { operationInvoker, type Invocation } from './invoke';
import { sv } from './messages';
import { oidcClient, type OidcConfig } from './oidc';
import { csrfMatches, endSession, loadSession, startSession, type Session } from './session';
import { CasePage } from './views/case';
import { IntakePage, referralFrom, type IntakeValues, type RoutingPreview } from './views/intake';
import { AuditPage, type AuditFilters, type AuditRowView } from './views/audit';
import { OverviewPage, type OverviewData } from './views/overview';
import { InboxPage, type InboxData, type InboxFilters } from './views/inbox';
import { homeFor, type PageContext } from './views/layout';
import { ErrorPage, LoginPage, StatementPage } from './views/simplePages';
import { TaskPage, type FormErrors } from './views/task';

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
  const invoke = operationInvoker(deps, audit);
  const verify = accessTokenVerifier(deps.config.auth);
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
  router.use(express.urlencoded({ extended: false, limit: '100kb' }));
  router.use(async (req, res, next) => {
    // Pages hold case data: never cached, by the browser or anyone between.
    res.setHeader('Cache-Control', 'no-store');
    res.locals.session = await loadSession(deps.prisma, req);
    next();
  });

  const ctxOf = (res: Response): PageContext => {
    const session = res.locals.session as Session | undefined;
    return { base, principal: session?.principal, csrfToken: session?.csrfToken };
  };
  const send = (res: Response, status: number, page: VNode) => {
    res.status(status).type('html').send(`<!doctype html>${render(page)}`);
  };
  const notFound = (res: Response) => send(res, 404, <ErrorPage ctx={ctxOf(res)} title={sv.errors.notFoundTitle} text={sv.errors.notFound} />);
  const refused = (res: Response, result: { status: number }) =>
    result.status === 403 ? send(res, 403, <ErrorPage ctx={ctxOf(res)} title={sv.errors.forbiddenTitle} text={sv.errors.forbidden} />) : notFound(res);

  /** Signed in, or sent to sign in and then back here. Form posts also need the session's form token. */
  const signedIn = (req: Request, res: Response, next: NextFunction) => {
    const session = res.locals.session as Session | undefined;
    if (!session) {
      if (req.method !== 'GET') return send(res, 403, <ErrorPage ctx={ctxOf(res)} title={sv.errors.csrfTitle} text={sv.errors.csrf} />);
      return res.redirect(303, `${base}/logga-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
    }
    if (req.method === 'POST' && !csrfMatches(session, (req.body as Record<string, unknown> | undefined)?._csrf)) {
      return send(res, 403, <ErrorPage ctx={ctxOf(res)} title={sv.errors.csrfTitle} text={sv.errors.csrf} />);
    }
    next();
  };
  const principal = (res: Response) => (res.locals.session as Session).principal;

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

  router.get('/inkorg', signedIn, async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const filters: InboxFilters = {
      status: q.status === 'completed' || q.status === 'all' ? q.status : 'open',
      overdue: q.overdue === 'true',
      dueBefore: /^\d{4}-\d{2}-\d{2}$/.test(q.dueBefore ?? '') ? (q.dueBefore as string) : '',
      caseType: q.caseType ?? '',
      unit: q.unit ?? '',
      offset: Math.max(0, Math.min(10_000, Number.parseInt(q.offset ?? '0', 10) || 0)),
    };
    const query: Record<string, unknown> = { status: filters.status, offset: String(filters.offset), limit: '50' };
    if (filters.overdue) query.overdue = 'true';
    if (filters.dueBefore) query.dueBefore = fromLocalInput(filters.dueBefore);
    if (filters.caseType) query.caseType = filters.caseType;
    if (filters.unit) query.unit = filters.unit;
    const result = await invoke<InboxData>('task.list', req, res, principal(res), { query });
    if (!result.ok && result.status === 400) {
      // A hand-edited URL: show the inbox with its filters cleared.
      return res.redirect(303, `${base}/inkorg`);
    }
    if (!result.ok) return refused(res, result);
    const p = principal(res);
    send(res, 200, <InboxPage ctx={ctxOf(res)} data={result.body} filters={filters} units={hasRole(p, 'coordinator') ? [] : visibleUnits(p)} />);
  });

  /** The fields a refused form got wrong, each with its Swedish message (the operation's schema named them). */
  function fieldErrors(result: Invocation<unknown>): Record<string, string> {
    if (result.ok) return {};
    return Object.fromEntries((result.error.fields ?? []).map((f) => [f.field, sv.validation[f.field] ?? sv.validation.other]));
  }

  const readCase = (req: Request, res: Response) => invoke<CaseBody>('case.read', req, res, principal(res), { params: { caseId: req.params.caseId as string } });

  async function showCase(req: Request, res: Response, extra: { status?: number; notice?: string; consentErrors?: FormErrors } = {}) {
    const result = await readCase(req, res);
    if (!result.ok) return refused(res, result);
    const canManageConsent = hasRole(principal(res), 'coordinator');
    send(res, extra.status ?? 200, <CasePage ctx={ctxOf(res)} caseBody={result.body} canManageConsent={canManageConsent} notice={extra.notice} consentErrors={extra.consentErrors} />);
  }
  const caseNotices: Record<string, string> = { registrerat: sv.intake.started, samtycke: sv.consent.recorded, aterkallat: sv.consent.withdrawn };

  router.get('/arenden/:caseId', signedIn, async (req, res) => {
    await showCase(req, res, { notice: caseNotices[String(req.query.klart ?? '')] });
  });

  router.post('/arenden/:caseId/samtycken', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const body = {
      personRole: form.personRole ?? '',
      ...(form.personName?.trim() ? { personName: form.personName } : {}),
      receivingAgency: form.receivingAgency ?? '',
      purpose: form.purpose ?? '',
    };
    const result = await invoke('consent.record', req, res, principal(res), { params: { caseId: req.params.caseId as string }, body });
    const casePath = `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}`;
    if (result.ok) return res.redirect(303, `${casePath}?klart=samtycke`);
    if (result.status === 404 || result.status === 403) return refused(res, result);
    const message = result.status === 409 ? sv.consent.closed : sv.errors.validationSummary;
    await showCase(req, res, { status: result.status, consentErrors: { message, fields: fieldErrors(result), values: form as Record<string, string> } });
  });

  router.post('/arenden/:caseId/samtycken/:consentId/aterkalla', signedIn, async (req, res) => {
    const params = { caseId: req.params.caseId as string, consentId: req.params.consentId as string };
    const result = await invoke('consent.withdraw', req, res, principal(res), { params });
    if (!result.ok && (result.status === 404 || result.status === 403)) return refused(res, result);
    if (!result.ok) return showCase(req, res, { status: result.status, consentErrors: { message: sv.consent.closed } });
    res.redirect(303, `${base}/arenden/${encodeURIComponent(params.caseId)}?klart=aterkallat`);
  });

  router.get('/ny-anmalan', signedIn, (_req, res) => {
    if (!hasRole(principal(res), 'coordinator')) return refused(res, { status: 403 });
    send(res, 200, <IntakePage ctx={ctxOf(res)} values={{ ageYears: '' }} />);
  });

  router.post('/ny-anmalan', signedIn, async (req, res) => {
    const values = Object.fromEntries(Object.entries(req.body as Record<string, unknown>).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as IntakeValues;
    const body = referralFrom(values);
    const preview = await invoke<RoutingPreview>('referral.preview', req, res, principal(res), { body });
    if (!preview.ok) {
      if (preview.status === 403) return refused(res, preview);
      return send(res, preview.status, <IntakePage ctx={ctxOf(res)} values={values} errors={{ message: sv.errors.validationSummary, fields: fieldErrors(preview) }} />);
    }
    if (values.steg !== 'starta') return send(res, 200, <IntakePage ctx={ctxOf(res)} values={values} preview={preview.body} />);
    const started = await invoke<{ caseId: string }>('referral.route', req, res, principal(res), { body });
    if (!started.ok) return send(res, started.status, <IntakePage ctx={ctxOf(res)} values={values} preview={preview.body} errors={{ message: sv.errors.validationSummary, fields: fieldErrors(started) }} />);
    res.redirect(303, `${base}/arenden/${encodeURIComponent(started.body.caseId)}?klart=registrerat`);
  });

  /** The task page: read through the case (one audited case.read), shown with the forms the caller's roles allow. */
  async function showTask(req: Request, res: Response, extra: { status?: number; notice?: string; completeErrors?: FormErrors; extendErrors?: FormErrors } = {}) {
    const result = await readCase(req, res);
    if (!result.ok) return refused(res, result);
    const task = result.body.tasks.find((t) => t.taskId === req.params.taskId);
    // A task that is not in this case (or not visible in it) says no more than a missing case.
    if (!task) return notFound(res);
    const p = principal(res);
    const outcomes = (await policyByVersion(deps, result.body.caseType, result.body.policyVersion)).steps[task.stepKey]?.outcomes ?? [];
    send(
      res,
      extra.status ?? 200,
      <TaskPage
        ctx={ctxOf(res)}
        caseBody={result.body}
        task={task}
        outcomes={outcomes}
        canComplete={hasRole(p, 'staff') && p.units.includes(task.unit)}
        canExtend={hasRole(p, 'supervisor') && p.supervisedUnits.includes(task.unit)}
        notice={extra.notice}
        completeErrors={extra.completeErrors}
        extendErrors={extra.extendErrors}
      />,
    );
  }

  router.get('/arenden/:caseId/uppgifter/:taskId', signedIn, async (req, res) => {
    const notice = req.query.klar === '1' ? sv.task.completed : req.query.forlangd === '1' ? sv.task.extended : undefined;
    await showTask(req, res, { notice });
  });

  const taskPath = (req: Request) => `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}/uppgifter/${encodeURIComponent(req.params.taskId as string)}`;
  /** The API's answer to a task form that failed, as a message a person can act on. */
  async function taskFailure(req: Request, res: Response, result: Invocation<unknown> & { ok: false }, form: 'complete' | 'extend', values: Record<string, string>) {
    if (result.status === 404 || result.status === 403) return refused(res, result);
    let message: string = sv.errors.validationSummary;
    let fields = fieldErrors(result);
    if (result.status === 409) {
      // Who completed it and when: the case read (audited) says, where the caller may see it.
      const current = await readCase(req, res);
      const task = current.ok ? current.body.tasks.find((t) => t.taskId === req.params.taskId) : undefined;
      message = task?.completedBy && task.completedAt ? sv.task.alreadyCompleted(task.completedBy, formatDateTime(task.completedAt)) : sv.task.notOpen;
      fields = {};
    } else if (result.status === 422) {
      fields = form === 'complete' ? { outcome: sv.task.outcomeNotAllowed } : { newDueAt: sv.task.notLater };
    }
    const errors: FormErrors = { message, fields, values };
    await showTask(req, res, { status: result.status, ...(form === 'complete' ? { completeErrors: errors } : { extendErrors: errors }) });
  }

  router.post('/arenden/:caseId/uppgifter/:taskId/slutfor', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const body = { outcome: form.outcome ?? '', ...(form.note?.trim() ? { note: form.note } : {}) };
    const result = await invoke('task.complete', req, res, principal(res), { params: { taskId: req.params.taskId as string }, body });
    if (!result.ok) return taskFailure(req, res, result, 'complete', { outcome: form.outcome ?? '', note: form.note ?? '' });
    res.redirect(303, `${taskPath(req)}?klar=1`);
  });

  router.post('/arenden/:caseId/uppgifter/:taskId/forlang', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const body = { newDueAt: fromLocalInput(form.newDueAt) ?? '', justification: form.justification ?? '' };
    const result = await invoke('task.extend', req, res, principal(res), { params: { taskId: req.params.taskId as string }, body });
    if (!result.ok) return taskFailure(req, res, result, 'extend', { newDueAt: form.newDueAt ?? '', justification: form.justification ?? '' });
    res.redirect(303, `${taskPath(req)}?forlangd=1`);
  });

  router.get('/oversikt', signedIn, async (req, res) => {
    const p = principal(res);
    const [escalations, report, failing] = await Promise.all([
      invoke<{ items: OverviewData['escalations'] }>('escalation.list', req, res, p, { query: { status: 'open' } }),
      invoke<{ items: OverviewData['report']; overdueTasks: Array<{ taskId: string; step: string }> }>('report.read', req, res, p, { query: {} }),
      invoke<{ items: OverviewData['failing'] }>('notification.list', req, res, p, { query: { status: 'failing' } }),
    ]);
    if (!escalations.ok) return refused(res, escalations);
    if (!report.ok) return refused(res, report);
    if (!failing.ok) return refused(res, failing);
    // An escalated task is overdue: the report's list names its step.
    const stepOf = new Map(report.body.overdueTasks.map((t) => [t.taskId, t.step]));
    const data: OverviewData = {
      escalations: escalations.body.items.map((e) => ({ ...e, stepKey: stepOf.get(e.taskId) })),
      report: report.body.items,
      failing: failing.body.items,
    };
    const notice = req.query.klart === 'kvitterad' ? sv.overview.acknowledged : req.query.klart === 'redan' ? sv.overview.alreadyAcknowledged : undefined;
    send(res, 200, <OverviewPage ctx={ctxOf(res)} data={data} notice={notice} canAcknowledge={hasRole(p, 'supervisor')} />);
  });

  router.post('/oversikt/eskaleringar/:escalationId/kvittera', signedIn, async (req, res) => {
    const result = await invoke('escalation.acknowledge', req, res, principal(res), { params: { escalationId: req.params.escalationId as string }, body: {} });
    if (!result.ok && result.status !== 409) return refused(res, result);
    res.redirect(303, `${base}/oversikt?klart=${result.ok ? 'kvitterad' : 'redan'}`);
  });

  router.get('/granskning', signedIn, async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const filters: AuditFilters = { actor: q.actor?.trim() ?? '', caseId: q.caseId?.trim() ?? '', action: q.action?.trim() ?? '', offset: Math.max(0, Math.min(10_000, Number.parseInt(q.offset ?? '0', 10) || 0)) };
    const query: Record<string, string> = { offset: String(filters.offset), limit: '100' };
    for (const key of ['actor', 'caseId', 'action'] as const) if (filters[key]) query[key] = filters[key];
    const result = await invoke<{ total: number; totalCapped: boolean; limit: number; offset: number; items: AuditRowView[] }>('audit.read', req, res, principal(res), { query });
    if (!result.ok && result.status === 400) return res.redirect(303, `${base}/granskning`);
    if (!result.ok) return refused(res, result);
    send(res, 200, <AuditPage ctx={ctxOf(res)} filters={filters} data={result.body} />);
  });

  router.use((_req, res) => notFound(res));
  // Express 5 passes a rejected handler here: a page, not the API's JSON.
  const pageFailed: ErrorRequestHandler = (err, _req, res, _next) => {
    log.error('web page failed', { error: (err as Error)?.name, code: (err as { code?: string })?.code });
    send(res, 503, <ErrorPage ctx={ctxOf(res)} title={sv.errors.unavailableTitle} text={sv.errors.unavailable} />);
  };
  router.use(pageFailed);
  return router;
}

