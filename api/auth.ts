import type { RequestHandler, Response } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwksCache, jwtVerify, type JWKSCacheInput, type JWTVerifyGetKey } from 'jose';
import { ZodError } from 'zod';
import type { AuthConfig } from '../config';
import { displayNameFromClaims, principalFromClaims, type Principal } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import { AppError } from './errors';

const algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Access tokens only (RFC 9068): an ID token, or any other JWT the issuer signs, is refused. */
export const accessTokenType = 'at+jwt';

/** A fetched JWKS is used for a minute: a key removed from it stops being accepted within that. */
export const jwksMaxAgeMs = 60_000;

interface KeySet {
  keys: JWTVerifyGetKey;
  /** Until when the keys just used may be trusted without fetching them again. */
  trustedUntil(): number;
}

function keySetFor(config: AuthConfig): KeySet {
  if (config.jwksUrl) {
    const maxAge = config.jwksMaxAgeMs ?? jwksMaxAgeMs;
    // jose writes the time of each fetch (`uat`) here.
    const fetched: JWKSCacheInput = {};
    const keys = createRemoteJWKSet(new URL(config.jwksUrl), { cacheMaxAge: maxAge, cooldownDuration: Math.min(30_000, maxAge / 2), [jwksCache]: fetched });
    return { keys, trustedUntil: () => ('uat' in fetched ? fetched.uat + maxAge : 0) };
  }
  if (config.publicKeys) return { keys: createLocalJWKSet(config.publicKeys as unknown as Parameters<typeof createLocalJWKSet>[0]), trustedUntil: () => Infinity };
  throw new Error('auth: set AUTH_JWKS_URL or AUTH_PUBLIC_KEYS (a JWKS) so tokens can be verified');
}

/** How long a verified token is trusted without checking its signature again (never past its exp, nor past the JWKS it was checked against). */
const verifiedTtlMs = 60_000;
const verifiedCacheSize = 10_000;

/** Why a token was refused, as a class (expired, wrong audience…): never the token's contents. */
function reasonOf(err: joseErrors.JOSEError | ZodError): string {
  if (err instanceof ZodError) return 'claims';
  if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'typ') return `not an access token: typ must be ${accessTokenType}`;
  return err.code;
}

/** A token verified afresh (not from the cache): who, and the display name it carries, if any. */
export interface VerifiedSignIn {
  principal: Principal;
  displayName: string | null;
  /** The token's `iat`, when it has one: a token issued earlier must not overwrite what a later one said. */
  issuedAt: Date | null;
}

export interface VerifierOptions {
  /**
   * Called once per fresh verification, never for a cached token (the staff directory records the
   * sign-in here). It must not throw: a failure to record is its own to log, not the request's.
   */
  onVerified?: (seen: VerifiedSignIn) => Promise<void>;
}

/**
 * Verifies an access token (type, issuer, audience, expiry, signature) and answers its caller; a
 * token that fails is a 401 AppError naming why. The API's bearer check and the web app's login
 * both use it, so a signed-in page trusts exactly the tokens the API does.
 */
export function accessTokenVerifier(config: AuthConfig, options: VerifierOptions = {}): (token: string) => Promise<Principal> {
  const { keys, trustedUntil } = keySetFor(config);
  // A client sends the same token on every request; a signature check costs more than the rest of
  // a small request. A verified token's principal is kept for a minute, bounded by the token's
  // exp and by the age of the JWKS it was verified against, so a removed key ends it in time.
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known && known.until > Date.now()) return known.principal;
    let fresh: VerifiedSignIn;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        typ: accessTokenType,
        requiredClaims: ['sub', 'exp'],
      });
      const principal = principalFromClaims(payload);
      if (verified.size >= verifiedCacheSize) verified.delete(verified.keys().next().value as string);
      verified.set(token, { principal, until: Math.min(Date.now() + verifiedTtlMs, (payload.exp as number) * 1000, trustedUntil()) });
      fresh = { principal, displayName: displayNameFromClaims(payload), issuedAt: typeof payload.iat === 'number' ? new Date(payload.iat * 1000) : null };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof ZodError) {
        throw new AppError(ErrorCode.Unauthenticated, `the token is not valid (${reasonOf(err)})`);
      }
      throw err;
    }
    await options.onVerified?.(fresh).catch(() => undefined);
    return fresh.principal;
  };
}

/** Verifies `Authorization: Bearer <JWT>` and puts the caller in res.locals. */
export function authenticate(config: AuthConfig, options: VerifierOptions = {}): RequestHandler {
  const verify = accessTokenVerifier(config, options);
  return async (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(req.header('authorization') ?? '');
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(ErrorCode.Unauthenticated, 'a bearer token is required');
    }
    try {
      res.locals.principal = await verify(match[1]);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.Unauthenticated) res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
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
