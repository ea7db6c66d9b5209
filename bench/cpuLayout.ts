import { execFileSync } from 'node:child_process';

/**
 * Where ratio 1's processes run (measure 1 of npm run bench):
 * - "shared": every process on every core, as on a developer's machine. On two cores the API's
 *   CPU per start comes out of the server's, and the ratio is close to a ratio of CPU costs.
 * - "split": the Temporal server on the first half of this process's cores; the load generator
 *   and the API on the other half, as when the API runs on replicas of its own. What is left of
 *   the gap is the API's latency in front of the server.
 * PostgreSQL is left on every core in both: on the API side only, so what it takes from the
 * server's half counts against the API.
 */
export type CpuLayout = 'split' | 'shared';

/** The CPU ids this process may run on ("0-3,6" → [0, 1, 2, 3, 6]); none if taskset is missing. */
export function ownCpus(): number[] {
  let out: string;
  try {
    out = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const list = out.split(':').at(-1)!.trim();
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
}

/** Split needs two cores and taskset (util-linux). */
export const canSplit = (cpus: number[]) => cpus.length >= 2;

/** Pins every thread of each process (threads made later inherit it) to the layout's cores. */
export function applyLayout(layout: CpuLayout, cpus: number[], pids: { server: number; front: number[] }): void {
  const half = Math.floor(cpus.length / 2);
  const serverCpus = layout === 'split' ? cpus.slice(0, half) : cpus;
  const frontCpus = layout === 'split' ? cpus.slice(half) : cpus;
  const pin = (pid: number, on: number[]) => execFileSync('taskset', ['-a', '-c', '-p', on.join(','), String(pid)], { stdio: 'ignore' });
  pin(pids.server, serverCpus);
  for (const pid of pids.front) pin(pid, frontCpus);
}

export function describeLayout(layout: CpuLayout, cpus: number[]): string {
  const half = Math.floor(cpus.length / 2);
  return layout === 'split'
    ? `Temporal server on CPU ${cpus.slice(0, half).join(',')}, load generator and API on CPU ${cpus.slice(half).join(',')}`
    : `every process on CPU ${cpus.join(',')}`;
}
