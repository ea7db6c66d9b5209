import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The benchmark's charts: vega-lite specs rendered to SVG by vega (bench/chartRender.mjs, its own
// process because both libraries are ESM-only). Titles and axis titles come from the caller, in
// Swedish and with units (see sv.benchCharts in domain/catalog.ts).

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

const width = 640;
const height = 360;
const ruleColor = '#c0392b';

/** Readable sizes, a font every machine has, and a white background (no remote fonts). */
const config = {
  background: 'white',
  font: 'DejaVu Sans, Arial, Helvetica, sans-serif',
  padding: 12,
  title: { fontSize: 17, anchor: 'start', offset: 12 },
  axis: { labelFontSize: 13, titleFontSize: 14, titlePadding: 10, grid: true, gridColor: '#e3e3e3', tickCount: 8 },
  legend: { labelFontSize: 13, titleFontSize: 13, labelLimit: 480, orient: 'bottom', direction: 'horizontal', columns: 2, rowPadding: 6, columnPadding: 24, symbolSize: 120 },
  line: { strokeWidth: 2 },
  point: { size: 50, filled: true },
  // Swedish numbers: 2 500 and 0,5 (a no-break space groups thousands).
  locale: { number: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0kr'] } },
};

/** Lines with point marks, one per series, legend, titled axes with units, optional horizontal rule (e.g. the 2 s goal or the cache bound). */
export function lineChartSvg(opts: { title: string; xTitle: string; yTitle: string; series: Series[]; rule?: { y: number; label: string }; xLog?: boolean }): Promise<string> {
  // Field names show in the marks' aria labels, hence Swedish.
  const values = opts.series.flatMap((s) => s.points.map((p) => ({ serie: s.name, x: p.x, y: p.y })));
  const names = opts.series.map((s) => s.name);
  const lines = {
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xTitle, scale: opts.xLog ? { type: 'log' } : { zero: true }, axis: { format: ',~r' } },
      y: { field: 'y', type: 'quantitative', title: opts.yTitle, scale: { zero: true }, axis: { format: ',~r' } },
      color: { field: 'serie', type: 'nominal', title: null, sort: names, legend: { values: names } },
    },
  };
  const layers: object[] = [lines];
  if (opts.rule) {
    const data = { values: [{ y: opts.rule.y, label: opts.rule.label }] };
    layers.push(
      { data, mark: { type: 'rule', color: ruleColor, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      {
        data,
        mark: { type: 'text', color: ruleColor, align: 'right', baseline: 'bottom', dy: -4, fontSize: 13 },
        encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: width - 4 }, text: { field: 'label' } },
      },
    );
  }
  return render({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: opts.title, width, height, config, layer: layers });
}

/** Grouped bars with optional error bars (low/high = spread over repeated rounds). */
export function barChartSvg(opts: { title: string; xTitle: string; yTitle: string; bars: Array<{ group: string; name: string; value: number; low?: number; high?: number }> }): Promise<string> {
  const values = opts.bars.map((b) => ({ group: b.group, name: b.name, value: b.value, low: b.low ?? null, high: b.high ?? null }));
  const groups = [...new Set(opts.bars.map((b) => b.group))];
  const names = [...new Set(opts.bars.map((b) => b.name))];
  const x = { field: 'group', type: 'nominal', title: opts.xTitle, sort: groups, axis: { labelAngle: 0 } };
  const xOffset = { field: 'name', type: 'nominal', sort: names };
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      x,
      xOffset,
      y: { field: 'value', type: 'quantitative', title: opts.yTitle, scale: { zero: true }, axis: { format: ',~r' } },
      color: { field: 'name', type: 'nominal', title: null, sort: names, legend: { values: names } },
    },
  };
  const spread = {
    transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
    mark: { type: 'rule', color: '#222', strokeWidth: 2 },
    encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
  };
  return render({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: opts.title, width, height, config, data: { values }, layer: [bars, spread] });
}

export function writeSvg(file: string, svg: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, svg);
}

function render(spec: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'chartRender.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && out.startsWith('<svg') ? resolve(out) : reject(new Error(`rendering the chart failed (exit ${code}): ${err.trim()}`))));
    child.stdin.end(JSON.stringify(spec));
  });
}
