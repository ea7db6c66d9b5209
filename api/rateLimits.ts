import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ErrorCode } from '../domain/errors';
import { principalOf } from './auth';
import type { ApiDeps } from './context';
import { AppError } from './errors';
import { SharedStore } from './rateLimitStore';

/**
 * The API's two rate limits, each a minute's window counted in Redis when configured
 * (api/rateLimitStore.ts), and answered 429 with RateLimit headers (IETF draft 8) naming the limit.
 */
function limiter(deps: ApiDeps, name: 'address' | 'token' | 'codec', limit: number, rest: Partial<Parameters<typeof rateLimit>[0]>, refusal: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new SharedStore(deps.sharedCounters, name),
    handler: (_req, _res, next) => next(new AppError(ErrorCode.RateLimited, refusal)),
    // Without TRUST_PROXY a forwarded header is only the client's claim, and ignoring it is the
    // point; the library would log it as a misconfiguration on every such request.
    validate: { xForwardedForHeader: false },
    ...rest,
  });
}

/**
 * Per client address (req.ip, read through the trusted proxies; an IPv6 client counts by its /56),
 * before anything else: it bounds what an unauthenticated caller can make the API do (signature
 * checks, refusal rows, readiness checks).
 */
export function addressLimiter(deps: ApiDeps): RequestHandler {
  return limiter(deps, 'address', deps.config.addressRateLimitPerMinute ?? 1200, {}, 'too many requests from this address; retry after the window');
}

/** Per token subject, after authentication: one user's client cannot crowd out the others behind the same address. */
export function tokenLimiter(deps: ApiDeps): RequestHandler {
  return limiter(
    deps,
    'token',
    deps.config.rateLimitPerMinute ?? 300,
    { keyGenerator: (_req, res) => `sub:${principalOf(res).sub}` },
    'too many requests for this token; retry after the window',
  );
}

/** Per operator on the codec endpoint: decoding is reading case data, a few batches a minute is what the Web UI needs. */
export function codecLimiter(deps: ApiDeps, perMinute: number): RequestHandler {
  return limiter(deps, 'codec', perMinute, { keyGenerator: (_req, res) => `operator:${principalOf(res).sub}` }, 'too many codec requests for this operator; retry after the window');
}
