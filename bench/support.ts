// What the benchmarks (run.ts, scale.ts) share: progress lines, percentiles, CPU and RSS from /proc, report formatting.
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { sv } from '../domain/catalog';
import { lineChartSvg, writeSvg } from './charts';

export const root = join(__dirname, '..');

export const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${load()}] ${line}\n`);

/** A numeric bench setting from the environment. */
export const envNumber = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const pct = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAtStart: string;
  node: string;
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAtStart: load(),
    node: process.version,
  };
}

/** utime + stime of one process, in seconds (clock ticks are 100 per second on Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Resident memory of one process (VmRSS), in bytes. */
export function rssBytes(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds of the PostgreSQL server: its live processes plus, through the postmaster's
 * cutime/cstime, every backend that has exited (a closed connection takes its CPU with it otherwise).
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      const parentIsPostgres = readFileSync(`/proc/${fields[1]}/comm`, 'utf8').trim() === 'postgres';
      total += (Number(fields[11]) + Number(fields[12]) + (parentIsPostgres ? 0 : Number(fields[13]) + Number(fields[14]))) / 100;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

/** Replaces the README section between `<!-- name:start … -->` and `<!-- name:end -->`, or appends it. */
export function replaceSection(readme: string, name: string, section: string): string {
  const re = new RegExp(`<!-- ${name}:start[\\s\\S]*?<!-- ${name}:end -->`);
  return re.test(readme) ? readme.replace(re, () => section) : `${readme}\n${section}\n`;
}

export const fmt = {
  s: (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) : '—'),
  rate: (r: number | null | undefined) => (r === null || r === undefined || !Number.isFinite(r) ? '—' : r.toFixed(r < 10 ? 2 : 1)),
  mib: (b: number) => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(0) : '—'),
};

/** The probe's p99 against open cases, with the 2 s goal: the same chart from the bench and the scale run. */
export async function writeProbeChart(file: string, points: Array<{ x: number; y: number }>): Promise<void> {
  const c = sv.benchCharts;
  writeSvg(
    file,
    await lineChartSvg({ title: c.latenessTitle, xTitle: c.openCases, yTitle: c.p99LatenessMs, series: [{ name: c.samverkan, points }], rule: { y: 2_000, label: c.goal(2) } }),
  );
}
