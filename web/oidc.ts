import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { PrismaClient } from '../prisma/client';

/**
 * OpenID Connect authorization code flow with PKCE (S256), state and nonce, against the identity
 * provider the API trusts (the same issuer). Written on jose and fetch rather than openid-client:
 * that client is ESM-only, which the CommonJS build and jest 29 cannot load (as with preact 11).
 */
export interface OidcConfig {
  /** The issuer, as in its tokens and at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Unset for a public client (PKCE alone); set for a confidential one (client_secret_post). */
  clientSecret?: string;
  /** Where the provider sends the browser back: `<app>/auth/callback`. */
  redirectUri: string;
  /** The API's audience, asked for as the access token's resource (RFC 8707). */
  resource?: string;
  scope?: string;
  /** Where the discovery document is, when not under the issuer (the dev provider names the API's dev issuer but serves on loopback). */
  discoveryUrl?: string;
  /** `login` makes the provider ask who signs in every time (the dev provider, where one picks a user). */
  prompt?: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

const loginTtlMs = 10 * 60_000;
const b64url = (buf: Buffer) => buf.toString('base64url');

export class OidcError extends Error {
  override name = 'OidcError';
}

export function oidcClient(config: OidcConfig, prisma: PrismaClient) {
  let discovered: Promise<{ meta: Discovery; keys: ReturnType<typeof createRemoteJWKSet> }> | undefined;
  const discover = () =>
    (discovered ??= (async () => {
      const res = await fetch(config.discoveryUrl ?? `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      if (!res.ok) throw new OidcError(`discovery answered ${res.status}`);
      const meta = (await res.json()) as Discovery;
      if (meta.issuer !== config.issuer) throw new OidcError('discovery names another issuer');
      return { meta, keys: createRemoteJWKSet(new URL(meta.jwks_uri)) };
    })().catch((err: unknown) => {
      discovered = undefined;
      throw err;
    }));

  return {
    /** Starts a login: records state, verifier and nonce, and answers the provider's address to send the browser to. */
    async begin(returnTo: string): Promise<string> {
      const { meta } = await discover();
      const state = b64url(randomBytes(24));
      const nonce = b64url(randomBytes(24));
      const codeVerifier = b64url(randomBytes(32));
      await prisma.webLogin.deleteMany({ where: { expiresAt: { lt: new Date() } } });
      await prisma.webLogin.create({ data: { state, nonce, codeVerifier, returnTo, expiresAt: new Date(Date.now() + loginTtlMs) } });
      const url = new URL(meta.authorization_endpoint);
      const params: Record<string, string> = {
        response_type: 'code',
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        scope: config.scope ?? 'openid',
        state,
        nonce,
        code_challenge: b64url(createHash('sha256').update(codeVerifier).digest()),
        code_challenge_method: 'S256',
        ...(config.resource ? { resource: config.resource } : {}),
        ...(config.prompt ? { prompt: config.prompt } : {}),
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    },

    /** Finishes a login: the state must be one we issued (once), the code is exchanged with its verifier, the ID token's nonce checked. */
    async finish(query: Record<string, unknown>): Promise<{ accessToken: string; returnTo: string }> {
      const state = typeof query.state === 'string' ? query.state : '';
      const code = typeof query.code === 'string' ? query.code : '';
      const login = state ? await prisma.webLogin.findUnique({ where: { state } }) : null;
      if (!login || login.expiresAt.getTime() < Date.now()) throw new OidcError('unknown or expired login state');
      await prisma.webLogin.delete({ where: { state } });
      if (query.error || !code) throw new OidcError(`the provider refused: ${typeof query.error === 'string' ? query.error : 'no code'}`);
      if (typeof query.iss === 'string' && query.iss !== config.issuer) throw new OidcError('the answer names another issuer');
      const { meta, keys } = await discover();
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: config.redirectUri,
        code_verifier: login.codeVerifier,
        client_id: config.clientId,
        ...(config.clientSecret ? { client_secret: config.clientSecret } : {}),
        ...(config.resource ? { resource: config.resource } : {}),
      });
      const res = await fetch(meta.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      if (!res.ok) throw new OidcError(`the token endpoint answered ${res.status}`);
      const tokens = (await res.json()) as { access_token?: string; id_token?: string; token_type?: string };
      if (!tokens.access_token) throw new OidcError('no access token');
      if (tokens.id_token) {
        const { payload } = await jwtVerify(tokens.id_token, keys, { issuer: config.issuer, audience: config.clientId });
        if (payload.nonce !== login.nonce) throw new OidcError('the ID token answers another login');
      }
      return { accessToken: tokens.access_token, returnTo: login.returnTo };
    },
  };
}
export type OidcClient = ReturnType<typeof oidcClient>;
