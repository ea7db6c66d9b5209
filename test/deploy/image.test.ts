import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { runtimeFiles, workflowBundleFile } from '../../scripts/buildImage';

/** The app's image (Dockerfile), checked statically: no Docker engine here. */
const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The files tsconfig.build.json compiles, relative to the repository. */
function buildFiles(): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.build.json did not parse');
  return parsed.fileNames.map((f) => relative(root, f));
}

/** .dockerignore's rules (last match wins, `!` re-includes, a matched folder takes its content along). */
function dockerIgnored(path: string): boolean {
  const rules = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const source = pattern.split('/').map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))).join('/');
      return { negated, regex: new RegExp(`^${source.replace('.*/', '(.*/)?')}(/.*)?$`) };
    });
  let ignored = false;
  for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negated;
  return ignored;
}

describe('the image', () => {
  it('when the Dockerfile is read, then it is multi-stage, runs as a non-root user and has a healthcheck', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const user = /^USER\s+(\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).not.toMatch(/curl|wget/); // no download at build or run time
  });

  it('when its Node is read, then every stage runs Node 26, the active LTS (Node 20 reached its end of life in April 2026)', () => {
    const stages = [...dockerfile.matchAll(/^FROM node:(\d+)[^\s]*/gm)].map((m) => Number(m[1]));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((major) => major === 26)).toBe(true);
  });

  it('when the build context is sent, then .env, .data, keys and certificates stay out, and what the build needs goes in', () => {
    for (const secret of ['.env', '.env.production', '.data/dev-keys.json', '.data/dev-signing-key.json', 'deploy/certs/server.key', 'tls/site.pem', 'node_modules/x/index.js', 'test/db/appRole.test.ts', 'dev/start.ts', 'bench/run.ts', 'scripts/test.sh']) {
      expect({ path: secret, ignored: dockerIgnored(secret) }).toEqual({ path: secret, ignored: true });
    }
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'prisma.config.ts', 'prisma/schema.prisma', 'prisma/migrations/20261123040000_audit_trail/migration.sql', 'prisma/seed/routing.json', 'api/main.ts', '.env.example', 'scripts/buildImage.ts']) {
      expect({ path: needed, ignored: dockerIgnored(needed) }).toEqual({ path: needed, ignored: false });
    }
  });

  it('when the dependencies are read, then the dev tools are devDependencies, and every package production code imports is a dependency', () => {
    for (const tool of ['@electric-sql/pglite', '@electric-sql/pglite-socket', 'smtp-server', 'mailparser', 'tsx']) {
      expect({ tool, inDependencies: tool in pkg.dependencies }).toEqual({ tool, inDependencies: false });
    }
    const builtins = new Set(builtinModules);
    const imported = new Set<string>();
    for (const file of buildFiles().filter((f) => !f.startsWith('prisma/generated/'))) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const m of source.matchAll(/(?:^import[^'"]*?from\s+|^export[^'"]*?from\s+|require\()['"]([^'"./][^'"]*)['"]/gm)) {
        const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
        if (!name.startsWith('node:') && !builtins.has(name)) imported.add(name);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
  });

  it('when the production build is listed, then it compiles the entry points compose runs and nothing from dev, test, bench or scripts', () => {
    const files = buildFiles();
    expect(files.filter((f) => /^(dev|test|bench|scripts)\//.test(f))).toEqual([]);
    for (const entry of ['api/main.ts', 'worker/main.ts', 'prisma/setup.ts', 'prisma/migrate.ts', 'workflows/index.ts']) expect(files).toContain(entry);
  });

  it('when the build is read, then the Dockerfile and the bench both build with npm run build:image, and the image ships what it builds', () => {
    // One build for both: the bench measures the API the image runs, so neither may compile on its own.
    expect(pkg.scripts['build:image']).toBe('node --import tsx scripts/buildImage.ts');
    expect(readFileSync(join(root, 'scripts', 'buildImage.ts'), 'utf8')).toMatch(/'tsconfig\.build\.json'/);
    const buildRuns = [...dockerfile.matchAll(/^RUN (?:.*\\\n)*.*/gm)].map((m) => m[0]).join('\n');
    expect(buildRuns).toMatch(/npm run build:image(?!\S)/);
    expect(buildRuns).not.toMatch(/\btsc\b|bundleWorkflowCode/);
    const bench = readFileSync(join(root, 'bench', 'apiBuild.ts'), 'utf8');
    expect(bench).toMatch(/'build:image'/);
    expect(bench).not.toMatch(/typescript\/bin\/tsc|tsconfig\.build\.json'/);
    // The runtime stage takes dist/ whole (with the files read at run time) and points the worker at its bundle.
    expect(dockerfile).toMatch(/^COPY --from=build \S+ \/app\/dist \.\/dist$/m);
    expect(dockerfile).toContain(`WORKFLOW_BUNDLE_PATH=/app/dist/${workflowBundleFile}`);
    for (const path of runtimeFiles) expect({ path, ignored: dockerIgnored(path) }).toEqual({ path, ignored: false });
  });
});
