import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './support';

/**
 * The API the bench measures is the one the image runs: built by `npm run build:image`, the
 * Dockerfile's build (scripts/buildImage.ts), and run with plain `node`, not through tsx. Run from
 * source (`npm run api`), the same API measured about 0.08 lower in ratio 1 on 2026-12-02 (three
 * runs each, 0.71–0.75 against 0.81–0.88). The build goes under .data/ (ignored by git) so that
 * the compiled files resolve node_modules. BENCH_API=source measures the API from source instead.
 */
export async function apiEntry(log: (line: string) => void): Promise<string | undefined> {
  if (process.env.BENCH_API === 'source') return undefined;
  const outDir = join(root, '.data', 'bench-api');
  log('building the API as the image does (npm run build:image)');
  await promisify(execFile)('npm', ['run', '--silent', 'build:image', '--', outDir], { cwd: root });
  return join(outDir, 'api', 'main.js');
}
