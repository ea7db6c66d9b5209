import type { RequestHandler, Response } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ZodError } from 'zod';
import type { AuthConfig } from '../config';
import { principalFromClaims, type Principal } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import { AppError } from './errors';

const algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];

function keySetFor(config: AuthConfig): JWTVerifyGetKey {
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl));
  if (config.publicKeys) return createLocalJWKSet(config.publicKeys as unknown as Parameters<typeof createLocalJWKSet>[0]);
  throw new Error('auth: set AUTH_JWKS_URL or AUTH_PUBLIC_KEYS (a JWKS) so tokens can be verified');
}

/** How long a verified token is trusted without checking its signature again (never past its exp). */
const verifiedTtlMs = 60_000;
const verifiedCacheSize = 10_000;

/** Verifies `Authorization: Bearer <JWT>` (issuer, audience, expiry, signature) and puts the caller in res.locals. */
export function authenticate(config: AuthConfig): RequestHandler {
  const keys = keySetFor(config);
  // A client sends the same token on every request; a signature check costs more than the rest of
  // a small request. A verified token's principal is kept for a minute (bounded by the token's exp).
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(req.header('authorization') ?? '');
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(ErrorCode.Unauthenticated, 'a bearer token is required');
    }
    const token = match[1];
    const known = verified.get(token);
    if (known && known.until > Date.now()) {
      res.locals.principal = known.principal;
      return next();
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        requiredClaims: ['sub', 'exp'],
      });
      const principal = principalFromClaims(payload);
      res.locals.principal = principal;
      if (verified.size >= verifiedCacheSize) verified.delete(verified.keys().next().value as string);
      verified.set(token, { principal, until: Math.min(Date.now() + verifiedTtlMs, (payload.exp as number) * 1000) });
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof ZodError) {
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        // The reason class only (expired, wrong audience…): never the token's contents.
        const reason = err instanceof ZodError ? 'claims' : err.code;
        throw new AppError(ErrorCode.Unauthenticated, `the token is not valid (${reason})`);
      }
      throw err;
    }
    next();
  };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new AppError(ErrorCode.Unauthenticated, 'a bearer token is required');
  return p;
}
