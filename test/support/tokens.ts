import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthConfig } from '../../config';
import type { Role } from '../../domain/auth';

export interface Identity {
  sub: string;
  /** The OIDC `name` claim, when the token should carry one. */
  name?: string;
  roles: Role[];
  units?: string[];
  supervisedUnits?: string[];
}

export interface TestIssuer {
  auth: AuthConfig;
  /**
   * A signed access token (`typ: at+jwt`, RFC 9068) for `who`; `overrides` replaces claims (e.g.
   * exp, aud) and `header` header parameters (e.g. typ, to make an ID token) to build bad tokens.
   */
  token(who: Identity, overrides?: Record<string, unknown>, header?: Record<string, unknown>): string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A test identity provider: its own Ed25519 key, whose public half the app trusts as a static
 * JWKS. Signs synchronously (node:crypto), so supertest chains can set a token inline; the app
 * still verifies every token with jose, exactly as in production.
 */
export function createTestIssuer(privateKey?: KeyObject): TestIssuer {
  const key = privateKey ?? generateKeyPairSync('ed25519').privateKey;
  const kid = `test-${randomBytes(3).toString('hex')}`;
  const auth: AuthConfig = {
    issuer: 'https://idp.samverkan.test',
    audience: 'samverkan-test',
    publicKeys: { keys: [{ ...(key.export({ format: 'jwk' }) as Record<string, unknown>), d: undefined, kid, alg: 'EdDSA', use: 'sig' }] },
  };
  // JSON.stringify drops the undefined private part.
  auth.publicKeys = JSON.parse(JSON.stringify(auth.publicKeys)) as AuthConfig['publicKeys'];
  return {
    auth,
    token(who, overrides = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: auth.issuer,
        aud: auth.audience,
        sub: who.sub,
        ...(who.name ? { name: who.name } : {}),
        iat: now,
        exp: now + 3600,
        roles: who.roles,
        units: who.units ?? [],
        supervised_units: who.supervisedUnits ?? [],
        ...overrides,
      };
      const signingInput = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid, ...header })}.${b64(claims)}`;
      return `${signingInput}.${sign(null, Buffer.from(signingInput), key).toString('base64url')}`;
    },
  };
}
