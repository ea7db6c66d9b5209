import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * `npm run build:image [outDir]` builds what the image runs into outDir (default dist/). The
 * Dockerfile and the bench (bench/apiBuild.ts) both run it, so the bench measures the image's build.
 */
const root = resolve(__dirname, '..');

/** Read at run time beside the compiled code: the setup step's migrations and seed data, the web app's stylesheet. */
export const runtimeFiles = ['prisma/migrations', 'prisma/seed', 'web/static'];

/** The worker loads it through WORKFLOW_BUNDLE_PATH, so it does not bundle at start-up. */
export const workflowBundleFile = 'workflow-bundle.js';

export async function buildImage(outDir: string): Promise<void> {
  // outDir is emptied first, so it must be a folder inside the repository.
  const inside = relative(root, outDir);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) throw new Error(`build:image writes only to a folder inside ${root}, not ${outDir}`);
  rmSync(outDir, { recursive: true, force: true });
  // tsconfig.build.json holds only what runs in production: no dev/, test/, bench/ or scripts/.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  for (const path of runtimeFiles) cpSync(join(root, path), join(outDir, path), { recursive: true });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve(join(outDir, 'workflows')),
    logger: { trace() {}, debug() {}, info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m), log() {} },
  });
  writeFileSync(join(outDir, workflowBundleFile), bundle.code);
}

if (require.main === module) {
  buildImage(resolve(root, process.argv[2] ?? 'dist')).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
