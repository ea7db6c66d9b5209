import { execFile } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './support';

/**
 * The API the bench measures is the one the image runs: compiled by tsconfig.build.json and run
 * with plain `node`, not through tsx. Run from source (`npm run api`), the same API measured
 * about 0.08 lower in ratio 1 on 2026-12-02 (three runs each, 0.71–0.75 against 0.81–0.88).
 * The build goes under .data/ (ignored by git) so that the compiled files resolve node_modules.
 * BENCH_API=source measures the API from source instead.
 */
export async function apiEntry(log: (line: string) => void): Promise<string | undefined> {
  if (process.env.BENCH_API === 'source') return undefined;
  const outDir = join(root, '.data', 'bench-api');
  log('compiling the API as the image does (tsconfig.build.json)');
  rmSync(outDir, { recursive: true, force: true });
  await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root });
  // The web app's stylesheet, as the Dockerfile copies it next to the compiled pages.
  cpSync(join(root, 'web', 'static'), join(outDir, 'web', 'static'), { recursive: true });
  return join(outDir, 'api', 'main.js');
}
