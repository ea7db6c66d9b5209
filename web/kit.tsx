import type { NextFunction, Request, Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { AuditWriter } from '../api/audit';
import type { ApiDeps } from '../api/context';
import { requestIdOf, sourceAddressOf } from '../api/requestContext';
import type { Principal } from '../domain/auth';
import type { Invocation, Invoke } from './invoke';
import { sv } from '../domain/catalog';
import { csrfMatches, type Session } from './session';
import type { PageContext } from './views/layout';
import { ErrorPage } from './views/simplePages';

/** What every page route uses: the operation invoker, rendering, refusals, and the signed-in check. */
export interface PageKit {
  deps: ApiDeps;
  base: string;
  invoke: Invoke;
  ctxOf(res: Response): PageContext;
  send(res: Response, status: number, page: VNode): void;
  /** Part of a page, for htmx to swap in (no document around it). */
  sendFragment(res: Response, part: VNode): void;
  notFound(res: Response): void;
  /** A refused operation as a page: 403 says so; anything else out of sight is the one 404. */
  refused(res: Response, result: { status: number }): void;
  /** Signed in, or sent to sign in and then back here. Form posts also need the session's form token. */
  signedIn(req: Request, res: Response, next: NextFunction): void;
  principal(res: Response): Principal;
  /** The fields a refused form got wrong, each with its Swedish message (the operation's schema named them). */
  fieldErrors(result: Invocation<unknown>): Record<string, string>;
  /** A signed-in page that runs no operation (a blank form) is still on record, as `page.view`. */
  recordView(req: Request, res: Response, status: number): Promise<void>;
}

export function pageKit(deps: ApiDeps, base: string, invoke: Invoke, audit: AuditWriter): PageKit {
  const ctxOf = (res: Response): PageContext => {
    const session = res.locals.session as Session | undefined;
    return { base, principal: session?.principal, csrfToken: session?.csrfToken };
  };
  const send = (res: Response, status: number, page: VNode) => {
    res.status(status).type('html').send(`<!doctype html>${render(page)}`);
  };
  const sendFragment = (res: Response, part: VNode) => {
    res.status(200).type('html').send(render(part));
  };
  const notFound = (res: Response) => send(res, 404, <ErrorPage ctx={ctxOf(res)} title={sv.errors.notFoundTitle} text={sv.errors.notFound} />);
  const refused = (res: Response, result: { status: number }) =>
    result.status === 403 ? send(res, 403, <ErrorPage ctx={ctxOf(res)} title={sv.errors.forbiddenTitle} text={sv.errors.forbidden} />) : notFound(res);

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
  function fieldErrors(result: Invocation<unknown>): Record<string, string> {
    if (result.ok) return {};
    return Object.fromEntries((result.error.fields ?? []).map((f) => [f.field, sv.validation[f.field] ?? sv.validation.other]));
  }
  const recordView = (req: Request, res: Response, status: number) =>
    audit.record({ principal: principal(res), action: 'page.view', method: req.method, route: `${base}${req.route?.path ?? req.path}`, status, sourceAddress: sourceAddressOf(req), requestId: requestIdOf(res) });
  return { deps, base, invoke, ctxOf, send, sendFragment, notFound, refused, signedIn, principal, fieldErrors, recordView };
}
