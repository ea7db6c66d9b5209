import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT } from 'jose';
import type { AuthConfig } from '../config';
import type { Role } from '../domain/auth';

/**
 * A signing key for local development only: `npm start` trusts its public half (unless
 * AUTH_JWKS_URL or AUTH_PUBLIC_KEYS point at a real identity provider) and `npm run dev:tokens`
 * signs with it. It lives in .data/, outside git, and is created on first use.
 */
export interface DevKey {
  kid: string;
  privateJwk: Record<string, unknown>;
}

export function loadOrCreateDevKey(file: string): DevKey {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKey;
  const { privateKey } = generateKeyPairSync('ed25519');
  const key: DevKey = { kid: `dev-${randomBytes(4).toString('hex')}`, privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, unknown> };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

export function devAuthConfig(key: DevKey, base: Pick<AuthConfig, 'issuer' | 'audience'>): AuthConfig {
  const publicJwk = createPublicKey(createPrivateKey({ key: key.privateJwk as never, format: 'jwk' })).export({ format: 'jwk' });
  return { ...base, publicKeys: { keys: [{ ...publicJwk, kid: key.kid, alg: 'EdDSA', use: 'sig' }] } };
}

export interface DevIdentity {
  sub: string;
  /** The OIDC `name` claim: what the staff directory lists them by. */
  name?: string;
  roles: Role[];
  units?: string[];
  supervisedUnits?: string[];
}

export async function signDevToken(key: DevKey, auth: Pick<AuthConfig, 'issuer' | 'audience'>, who: DevIdentity, ttl = '8h') {
  return new SignJWT({ ...(who.name ? { name: who.name } : {}), roles: who.roles, units: who.units ?? [], supervised_units: who.supervisedUnits ?? [] })
    // An access token (RFC 9068): the API refuses any other type, ID tokens included.
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
    .setSubject(who.sub)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(createPrivateKey({ key: key.privateJwk as never, format: 'jwk' }));
}

/** The identities `npm run dev:tokens` prints, one per role. */
export const devIdentities: DevIdentity[] = [
  { sub: 'dev-coordinator', name: 'Samira Lindqvist', roles: ['coordinator'] },
  { sub: 'dev-staff-children-youth', name: 'Elin Åberg', roles: ['staff'], units: ['soc-children-youth'] },
  { sub: 'dev-supervisor-children-youth', name: 'Karin Öberg', roles: ['supervisor'], supervisedUnits: ['soc-children-youth'] },
  { sub: 'dev-admin', name: 'Johan Ek', roles: ['admin'] },
  { sub: 'dev-auditor', name: 'Maria Holm', roles: ['auditor'] },
  // Decodes payloads in the Temporal Web UI through the codec endpoint.
  { sub: 'dev-operator', name: 'Ali Hassan', roles: ['operator'] },
];
