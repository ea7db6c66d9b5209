// The report of npm run bench: the README's section for the target, the comparison table of
// both targets, the charts and docs/bench-<target>.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerDefaults } from '../config';
import { sv as catalog } from '../domain/catalog';
import { barChartSvg, writeSvg } from './charts';
import type { BurstResult } from './bursts';
import type { StartsFigures, StartsResult } from './starts';
import { fmt, median, replaceSection, root, writeProbeChart, type Machine } from './support';

export interface Block {
  rounds: BurstResult[];
  /** samverkan p99 ÷ raw p99 over the block: mean of its two samverkan rounds ÷ mean of its two raw rounds. */
  ratio: number;
}

export interface CurvePoint {
  /** Open cases when the probe ran. */
  open: number;
  /** What opened them: a block's samverkan bursts, or a growth step of cases that only wait. */
  after: string;
  probe: BurstResult;
  workerRssBytes: number;
}

export interface Report {
  target: 'dev' | 'cluster';
  /** History shards of the cluster target. */
  shards: number;
  machine: Machine;
  loadAtEnd: string;
  starts: StartsResult;
  burst: { n: number; blocks: Block[] };
  curve: CurvePoint[];
  memory: { samverkanPerThousand: number; open: number; samverkanRss: number; rawRss: number };
  completion: { apiP95: number; rawP95: number; ratio: number; n: number };
}

interface Row {
  /** Stable across versions of the bench, so the comparison table pairs rows by it. */
  key: string;
  m: string;
  ratio: string;
  values: string;
}

/** Dev server and cluster side by side, from the last run against each (docs/bench-*.json). */
function withComparison(readme: string): string {
  const read = (t: string) => {
    try {
      return JSON.parse(readFileSync(join(root, 'docs', `bench-${t}.json`), 'utf8')) as { measured: string; load: string; rows: Row[] };
    } catch {
      return undefined;
    }
  };
  const dev = read('dev');
  const cluster = read('cluster');
  if (!dev || !cluster) return readme;
  const cell = (row?: { ratio: string; values: string }) => (row ? (row.ratio === '—' ? row.values : `**${row.ratio}** (${row.values})`) : 'not measured');
  // Rows pair by key; a run from before the keys pairs by position only with another such run.
  const partner = (row: Row, i: number) => (row.key ? cluster.rows.find((r) => r.key === row.key) : cluster.rows[i]);
  const table = [
    '<!-- bench-compare:start (written by npm run bench from docs/bench-dev.json and docs/bench-cluster.json) -->',
    `| Measure | Temporal dev server (${dev.measured.slice(0, 16).replace('T', ' ')}, load ${dev.load}) | Temporal on PostgreSQL (${cluster.measured.slice(0, 16).replace('T', ' ')}, load ${cluster.load}) |`,
    '|---|---|---|',
    ...dev.rows.map((row, i) => `| ${row.m} | ${cell(row)} | ${cell(partner(row, i))} |`),
    '<!-- bench-compare:end -->',
  ].join('\n');
  const re = /<!-- bench-compare:start[\s\S]*?<!-- bench-compare:end -->/;
  return re.test(readme) ? readme.replace(re, () => table) : readme.replace(/<!-- bench:start/, `${table}\n\n<!-- bench:start`);
}

/**
 * Ratio 1 in one CPU layout: "shared" (every process on every core) is the measure the README
 * has always given; "split" (the Temporal server on cores of its own) says whether the gap is the
 * cores the API shares with the server or its latency in front of it.
 */
function startsRow(f: StartsFigures, s: StartsResult): Row {
  const ms = (v: number) => v.toFixed(1);
  const how = `throughput, concurrency ${s.concurrency}, same call on both sides; the API ${s.api === 'compiled' ? 'compiled, as the image runs it' : 'run from source through tsx'}; ${f.placement}`;
  return {
    key: f.layout === 'shared' ? 'starts' : 'starts-split',
    m: f.layout === 'shared' ? `1. API start-case ÷ raw \`client.workflow.start\` (${how})` : `1p. The same with the Temporal server pinned to cores of its own (${how})`,
    ratio: f.ratio.toFixed(2),
    values:
      `median of ${f.blocks} blocks of raw, API, API, raw (range ${f.lowest.toFixed(2)}–${f.highest.toFixed(2)}); medians ${f.apiRate.toFixed(1)} ÷ ${f.rawRate.toFixed(1)} starts/s; ` +
      `CPU ms per start: raw side Temporal ${ms(f.cpu.raw.temporal)}, load generator ${ms(f.cpu.raw.loadGenerator)}; API side Temporal ${ms(f.cpu.api.temporal)}, API process ${ms(f.cpu.api.api)}, PostgreSQL ${ms(f.cpu.api.postgres)}, load generator ${ms(f.cpu.api.loadGenerator)}`,
  };
}

const range = (values: number[], f: (v: number) => string) => `${f(median(values))} (range ${f(Math.min(...values))}–${f(Math.max(...values))})`;

export async function writeReport(r: Report): Promise<void> {
  const markers = r.target === 'cluster' ? 'bench-cluster' : 'bench';
  const rounds = r.burst.blocks.flatMap((b, i) => b.rounds.map((round) => ({ block: i + 1, round })));
  const side = (s: 'raw' | 'samverkan') => rounds.filter((x) => x.round.side === s).map((x) => x.round);
  const sv = side('samverkan');
  const raw = side('raw');
  const ratios = r.burst.blocks.map((b) => b.ratio);
  const ratioMedian = median(ratios);
  const onTime = r.curve.filter((c) => c.probe.p99 < 2_000);
  const largest = onTime.length ? Math.max(...onTime.map((c) => c.open)) : 0;
  const lastProbe = r.curve.at(-1);
  const overran = rounds.filter((x) => x.round.openedBeforeInstantMs < 0);
  const svEmails = sv.map((x) => x.emailsPerSecond).filter((x): x is number => x !== null);
  const rows: Row[] = [
    ...r.starts.layouts.map((f) => startsRow(f, r.starts)),
    {
      key: 'burst-p99',
      m: `2. p99 lateness, ${r.burst.n} deadlines at one instant: samverkan ÷ the raw Temporal floor (timer + one activity: insert a row, send an email)`,
      ratio: Number.isFinite(ratioMedian) ? ratioMedian.toFixed(2) : '—',
      values: ratios.length
        ? `median of ${ratios.length} blocks of raw, samverkan, samverkan, raw (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); p99 samverkan ${range(sv.map((x) => x.p99), fmt.s)} s, raw ${range(raw.map((x) => x.p99), fmt.s)} s`
        : 'not measured',
    },
    {
      key: 'drain',
      m: '2a. Drain rate: escalations recorded per second through the burst (n ÷ (last recorded − instant))',
      ratio: sv.length ? (median(sv.map((x) => x.drainPerSecond)) / median(raw.map((x) => x.drainPerSecond))).toFixed(2) : '—',
      values: sv.length ? `samverkan ${range(sv.map((x) => x.drainPerSecond), fmt.rate)}/s, raw ${range(raw.map((x) => x.drainPerSecond), fmt.rate)}/s` : 'not measured',
    },
    {
      key: 'emails',
      m: "2b. samverkan's escalation emails sent per second from the instant (the raw floor sends in its one activity: its drain rate)",
      ratio: '—',
      values: svEmails.length ? `${range(svEmails, fmt.rate)}/s` : '—',
    },
    {
      key: 'opening',
      m: '2c. Opening rate: tasks opened per second before the instant (samverkan: task row open; raw: timer set)',
      ratio: '—',
      values: sv.length ? `samverkan ${range(sv.map((x) => x.openingRate), fmt.rate)}/s, raw ${range(raw.map((x) => x.openingRate), fmt.rate)}/s` : 'not measured',
    },
    {
      key: 'completion',
      m: '3. p95 completing a task: API ÷ bare Temporal update',
      ratio: r.completion.ratio.toFixed(2),
      values: `${r.completion.apiP95.toFixed(1)} ms ÷ ${r.completion.rawP95.toFixed(1)} ms (${r.completion.n} each)`,
    },
    {
      key: 'memory',
      m: "4. samverkan worker process's RSS per 1,000 open cases",
      ratio: '—',
      values: `${fmt.mib(r.memory.samverkanPerThousand)} MiB (RSS ${fmt.mib(r.memory.samverkanRss)} MiB at ${r.memory.open} open; raw floor worker ${fmt.mib(r.memory.rawRss)} MiB)`,
    },
    {
      key: 'probe',
      m: '5. Largest open-case count with a probe of 10 deadlines at p99 < 2 s',
      ratio: '—',
      values: `${largest} (largest tried: ${lastProbe?.open ?? 0})`,
    },
  ];
  // A block whose ratio is a quarter or more off the median disagrees: said so, with its load.
  const disagreeing = r.burst.blocks
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => Math.abs(b.ratio - ratioMedian) / ratioMedian >= 0.25)
    .map(({ b, i }) => `block ${i + 1} (ratio ${b.ratio.toFixed(2)}, load at its instants ${b.rounds.map((x) => x.loadAtInstant.split(' ')[0]).join(', ')})`);
  const roundRows = rounds.map(
    ({ block, round: x }) =>
      `| ${block} | ${x.label} | ${x.side} | ${x.recorded}/${x.n} | ${fmt.s(x.p50)} | ${fmt.s(x.p99)} | ${fmt.s(x.max)} | ${fmt.rate(x.drainPerSecond)} | ${x.side === 'raw' ? '(in the activity)' : fmt.rate(x.emailsPerSecond)} | ${fmt.rate(x.openingRate)} | ${fmt.s(x.openedBeforeInstantMs)} | ${x.cpu.temporal.toFixed(1)} / ${x.cpu.worker.toFixed(1)} / ${x.cpu.postgres.toFixed(1)} | ${fmt.mib(x.workerRssBytes)} | ${x.loadAtInstant.split(' ')[0]} |`,
  );
  const curveRows = r.curve.map((c) => `| ${c.open} | ${c.after} | ${fmt.s(c.probe.p50)} | ${fmt.s(c.probe.p99)} | ${fmt.mib(c.workerRssBytes)} |`);
  const burstChart = `bench-burst-${r.target}.svg`;
  const probeChart = `bench-probe-${r.target}.svg`;
  const serverName = r.target === 'cluster' ? `Temporal server on PostgreSQL (dev/cluster.ts, ${r.shards} history shards)` : 'Temporal dev server (CLI, SQLite)';
  const section = [
    `<!-- ${markers}:start (written by npm run bench${r.target === 'cluster' ? ' with BENCH_TARGET=cluster' : ''}) -->`,
    `**Target: ${serverName}.** Workflow cache of both workers: ${process.env.BENCH_CACHE ?? `${workerDefaults.maxCachedWorkflows} (samverkan's default)`}; the raw floor mails over ${process.env.BENCH_RAW_MAILER === 'single' ? 'a new connection per mail' : "the outbox's pooled transport"}.`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAtStart} at the start and ${r.loadAtEnd} at the end (the machine was shared, so treat the numbers as noisy).`,
    '',
    '| Measure | Ratio | Values |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.m} | ${row.ratio} | ${row.values} |`),
    '',
    disagreeing.length ? `Blocks that disagree with the others (a quarter or more off the median ratio): ${disagreeing.join('; ')}.` : `No block's ratio is a quarter or more off the median.`,
    overran.length ? `Rounds whose openings were not done before the instant (their lateness includes the openings): ${overran.map((x) => x.round.label).join(', ')}.` : 'Every round\'s openings were done before its instant.',
    '',
    'Every burst round (lateness in seconds; samverkan: escalation recorded − due, raw: row inserted − instant; CPU seconds from the instant to the last row, per process):',
    '',
    '| block | round | side | recorded | p50 s | p99 s | max s | drain /s | emails /s | opening /s | openings done before the instant, s | CPU s Temporal / worker / PostgreSQL | worker RSS MiB | load (1 min) at the instant |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...roundRows,
    '',
    'A probe of 10 deadlines at one instant as open cases grow (the bursts\' cases stay open; the growth steps add cases due in 30 days, which only wait):',
    '',
    '| open cases | after | probe p50 s | probe p99 s | samverkan worker RSS MiB |',
    '|---|---|---|---|---|',
    ...curveRows,
    '',
    `![Burst p99 against the raw floor](docs/${burstChart})`,
    '',
    `![Probe p99 against open cases](docs/${probeChart})`,
    `<!-- ${markers}:end -->`,
  ].join('\n');

  // Chart strings are Swedish, from the catalog (a person reads them).
  const c = catalog.benchCharts;
  const bars = (
    [
      [c.rawTemporal, raw],
      [c.samverkan, sv],
    ] as const
  )
    .filter(([, xs]) => xs.length)
    .map(([name, xs]) => {
      const v = xs.map((x) => x.p99);
      return { group: String(r.burst.n), name, value: median(v), low: Math.min(...v), high: Math.max(...v) };
    });
  writeSvg(join(root, 'docs', burstChart), await barChartSvg({ title: c.burstTitle, xTitle: c.deadlinesInBurst, yTitle: c.p99LatenessMs, bars }));
  await writeProbeChart(join(root, 'docs', probeChart), r.curve.map((p) => ({ x: p.open, y: p.probe.p99 })));
  // The raw figures beside the table's rows, so either table can be rebuilt after either target's run.
  const summary = { measured: new Date().toISOString(), load: `${r.machine.loadAtStart} → ${r.loadAtEnd}`, rows, figures: r };
  writeFileSync(join(root, 'docs', `bench-${r.target}.json`), JSON.stringify(summary, null, 1));
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, withComparison(replaceSection(readFileSync(readmePath, 'utf8'), markers, section)));
  console.log(section);
}
