// What npm run bench:scale measures (a point per growth step) and the README section and charts written from it; scale.ts does the growing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sv } from '../domain/catalog';
import { lineChartSvg, writeSvg } from './charts';
import { fmt, replaceSection, root, type Machine, writeProbeChart } from './support';

export interface ScalePoint {
  open: number;
  stepSeconds: number;
  /** Tasks opened per second through the step (client starts at BENCH_SCALE_CONCURRENCY, to every task row open). */
  openingRate: number;
  probeP50: number;
  probeP99: number;
  workerRssBytes: number;
  temporalRssBytes: number;
  /** pg_database_size of Temporal's databases (main + visibility) and of the app's. */
  temporalDbBytes: number;
  appDbBytes: number;
  /** Growth since the start, per open case. */
  temporalBytesPerCase: number;
  appBytesPerCase: number;
  load: string;
  at: string;
}

export interface ScaleReport {
  machine: Machine;
  shards: number;
  cache: number;
  target: number;
  step: number;
  concurrency: number;
  /** Where the cases live, so a run kept with BENCH_SCALE_KEEP=1 can be resumed (BENCH_SCALE_RESUME=1). */
  databases: { temporal: string[]; app: string };
  /** The next step's number: its cases' ids, never used twice across resumed runs. */
  nextStep: number;
  baseline: { temporalDbBytes: number; appDbBytes: number; workerRssBytes: number };
  points: ScalePoint[];
  /** When runs resumed on the kept databases. */
  resumed?: string[];
  /** Why the run ended: reached, stopped (SIGINT) or the error. */
  ended?: string;
  /** The databases were kept at the end. */
  kept?: boolean;
  loadAtEnd?: string;
}

export async function writeReport(r: ScaleReport): Promise<void> {
  const last = r.points.at(-1)!;
  const kib = (b: number) => (b / 1024).toFixed(1);
  const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);
  const rows = r.points.map(
    (p) =>
      `| ${p.open} | ${p.stepSeconds.toFixed(0)} | ${p.openingRate.toFixed(1)} | ${fmt.s(p.probeP50)} | ${fmt.s(p.probeP99)} | ${fmt.mib(p.workerRssBytes)} | ${fmt.mib(p.temporalRssBytes)} | ${kib(p.temporalBytesPerCase)} | ${kib(p.appBytesPerCase)} | ${p.load.split(' ')[0]} |`,
  );
  const grown = r.points.reduce((s, p) => s + p.stepSeconds, 0);
  const probeChart = 'bench-scale-probe.svg';
  const rssChart = 'bench-scale-rss.svg';
  const section = [
    '<!-- bench-scale:start (written by npm run bench:scale) -->',
    `**Temporal server on PostgreSQL (dev/cluster.ts, ${r.shards} history shards); the worker its own process with a cache of ${r.cache} workflows (WORKER_MAX_CACHED_WORKFLOWS).**`,
    '',
    `Measured ${last.at.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAtStart} at the start and ${r.loadAtEnd ?? last.load} at the end. Target ${r.target} open cases in steps of ${r.step}, ` +
      `client starts ${r.concurrency} at a time; ${r.ended ?? 'under way'}, in ${(grown / 60).toFixed(0)} minutes of growing.`,
    'An open case here is one task workflow with its live timers (due in 30 days, reminders 7 days and 1 day before); a probe is 10 more due at one instant.',
    '',
    '| open cases | step s | opening /s | probe p50 s | probe p99 s | worker RSS MiB | Temporal server RSS MiB | Temporal DB KiB per case | app DB KiB per case | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `At ${last.open} open cases: Temporal's databases ${gib(last.temporalDbBytes)}, the app's ${gib(last.appDbBytes)}; ` +
      `at these rates 100,000 open cases take ${gib((last.temporalBytesPerCase + last.appBytesPerCase) * 100_000)} and 1,000,000 take ${gib((last.temporalBytesPerCase + last.appBytesPerCase) * 1_000_000)} (both stores).`,
    '',
    `![Probe p99 against open cases](docs/${probeChart})`,
    '',
    `![Worker RSS against open cases](docs/${rssChart})`,
    '<!-- bench-scale:end -->',
  ].join('\n');
  // Chart strings are Swedish, from the catalog (a person reads them).
  const c = sv.benchCharts;
  await writeProbeChart(join(root, 'docs', probeChart), r.points.map((p) => ({ x: p.open, y: p.probeP99 })));
  const peak = Math.max(...r.points.map((p) => p.workerRssBytes / 2 ** 20));
  writeSvg(
    join(root, 'docs', rssChart),
    await lineChartSvg({
      title: c.memoryTitle,
      xTitle: c.openCases,
      yTitle: c.workerRssMiB,
      series: [
        { name: c.samverkan, points: [{ x: 0, y: r.baseline.workerRssBytes / 2 ** 20 }, ...r.points.map((p) => ({ x: p.open, y: p.workerRssBytes / 2 ** 20 }))] },
        // The cache bound, drawn upright at that many open cases (one workflow each).
        {
          name: c.cacheBound(r.cache),
          points: [
            { x: r.cache, y: 0 },
            { x: r.cache, y: peak },
          ],
        },
      ],
    }),
  );
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, replaceSection(readFileSync(readmePath, 'utf8'), 'bench-scale', section));
  console.log(section);
}
