// The development identity provider: panva's oidc-provider (ESM-only, hence its own process),
// on loopback. `npm start` runs it; browser tests run it too. It issues what a municipality's
// provider would: an authorization code (PKCE required) for the staff web app, and an access
// token (JWT, typ at+jwt) for the API's audience with the role and unit claims the API reads.
// A newcomer signs in by picking one of the dev users on its login page. Never for production.
//
// Configuration, from the environment (set by dev/oidcDev.ts):
//   OIDC_DEV_PORT            port on 127.0.0.1 (0: any free one; the address is printed)
//   OIDC_DEV_ISSUER          the issuer, e.g. http://localhost:3001
//   OIDC_DEV_AUDIENCE        the API's audience
//   OIDC_DEV_KEY             the signing key as a private JWK (JSON, with kid)
//   OIDC_DEV_CLIENT_ID       the web app's client id
//   OIDC_DEV_REDIRECT_URIS   JSON array of the web app's callback addresses
//   OIDC_DEV_USERS           JSON array of { sub, name?, roles, units, supervisedUnits }
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const env = process.env;
const issuer = env.OIDC_DEV_ISSUER;
const audience = env.OIDC_DEV_AUDIENCE;
const key = JSON.parse(env.OIDC_DEV_KEY);
const users = JSON.parse(env.OIDC_DEV_USERS);
const clientId = env.OIDC_DEV_CLIENT_ID;
const redirectUris = JSON.parse(env.OIDC_DEV_REDIRECT_URIS);
const port = Number(env.OIDC_DEV_PORT ?? 3001);

// Resource indicators must be absolute URIs; the audience the token carries is the API's own.
const resourceId = 'urn:samverkan:api';
const userBySub = new Map(users.map((u) => [u.sub, u]));
const roleNames = { coordinator: 'samordnare', staff: 'handläggare', supervisor: 'arbetsledare', admin: 'administratör', auditor: 'granskare' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [{ ...key, alg: 'EdDSA', use: 'sig' }] },
  enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
  clientDefaults: { id_token_signed_response_alg: 'EdDSA' },
  pkce: { required: () => true },
  scopes: ['openid'],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resourceId,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== resourceId) throw new Error('unknown resource');
        return { scope: 'api', audience, accessTokenTTL: 8 * 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'EdDSA' } } };
      },
    },
  },
  // The claims the API reads (domain/auth.ts), in the access token only; `name` for the staff directory.
  extraTokenClaims: (_ctx, token) => {
    const user = userBySub.get(token.accountId);
    return user ? { ...(user.name ? { name: user.name } : {}), roles: user.roles, units: user.units ?? [], supervised_units: user.supervisedUnits ?? [] } : {};
  },
  findAccount: (_ctx, sub) => (userBySub.has(sub) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
  // The dev users need no consent screen: the grant covers sign-in and the API.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid');
    grant.addResourceScope(resourceId, 'api');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 8 * 3600, Interaction: 600, AuthorizationCode: 60, IdToken: 3600, Grant: 8 * 3600 },
  renderError: (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Inloggningen misslyckades', `<p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
});
provider.proxy = false;

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page(title, body) {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escape(title)} – utvecklingsinloggning</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid) {
  const buttons = users
    .map((u) => {
      const what = u.roles.map((r) => roleNames[r] ?? r).join(', ');
      const units = [...(u.units ?? []), ...(u.supervisedUnits ?? [])];
      return `<li><button type="submit" name="sub" value="${escape(u.sub)}">${escape(u.sub)}</button> ${u.name ? `${escape(u.name)}, ` : ''}${escape(what)}${units.length ? ` (${escape(units.join(', '))})` : ''}</li>`;
    })
    .join('');
  return page(
    'Välj en utvecklingsanvändare',
    `<p>Det här är utvecklingsmiljöns inloggning. Välj vem du loggar in som.</p><form method="post" action="/interaction/${escape(uid)}/login"><ul>${buttons}</ul></form>`,
  );
}

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(raw);
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  try {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(new URL(req.url, issuer).pathname);
    if (match && req.method === 'GET' && !match[2]) {
      await provider.interactionDetails(req, res);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage(match[1]));
      return;
    }
    if (match && req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      const sub = form.get('sub');
      if (!userBySub.has(sub)) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('okänd användare');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`fel: ${err?.name ?? 'Error'}`);
  }
});

server.listen(port, '127.0.0.1', () => {
  // The one line the parent reads to learn the port.
  console.log(`oidc-provider listening on ${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
