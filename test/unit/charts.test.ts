import { barChartSvg, lineChartSvg } from '../../bench/charts';
import { sv } from '../../domain/catalog';

const t = sv.benchCharts;

/** The text of every element of one vega role (title, axis-title, legend-label, …), in order. */
function texts(svg: string, role: string): string[] {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-text role-${role}"[^>]*>([\\s\\S]*?)</g>`, 'g'))];
  return groups.flatMap((g) => [...g[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&nbsp;|\u00a0/g, ' ')));
}

/** How many marks of one kind the data layers drew (the chart's own marks, not axes or legend). */
function marks(svg: string, mark: string, element: string): number {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${mark} role-mark[^>]*>([\\s\\S]*?)</g>`, 'g'))];
  return groups.reduce((n, g) => n + (g[1].match(new RegExp(`<${element}[\\s>]`, 'g'))?.length ?? 0), 0);
}

describe('the benchmark charts', () => {
  it('when a line chart is drawn, then it has its title, titled axes with ticks, a legend entry and one line per series, and the rule', async () => {
    const svg = await lineChartSvg({
      title: t.latenessTitle,
      xTitle: t.openCases,
      yTitle: t.p99LatenessMs,
      series: [
        { name: t.samverkan, points: [{ x: 0, y: 400 }, { x: 2_000, y: 900 }, { x: 4_000, y: 2_400 }] },
        { name: t.rawTemporal, points: [{ x: 0, y: 300 }, { x: 2_000, y: 700 }, { x: 4_000, y: 1_800 }] },
      ],
      rule: { y: 2_000, label: t.goal(2) },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/^<svg[^>]*><rect width="\d+" height="\d+" fill="white"\/>/);
    expect(texts(svg, 'title-text')).toEqual([t.latenessTitle]);
    expect(texts(svg, 'axis-title')).toEqual([t.openCases, t.p99LatenessMs]);
    const ticks = texts(svg, 'axis-label');
    expect(ticks).toEqual(expect.arrayContaining(['0', '1 000', '4 000']));
    expect(texts(svg, 'legend-label')).toEqual([t.samverkan, t.rawTemporal]);
    expect(marks(svg, 'line', 'path')).toBe(2);
    expect(marks(svg, 'symbol', 'path')).toBe(6);
    expect(svg).toContain(t.goal(2));
    expect(marks(svg, 'rule', 'line')).toBe(1);
    // No remote fonts or data.
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
  });

  it('when the x axis is logarithmic, then the chart still draws every point', async () => {
    const svg = await lineChartSvg({
      title: t.memoryTitle,
      xTitle: t.openCases,
      yTitle: t.workerRssMiB,
      xLog: true,
      series: [{ name: t.cacheBound(500), points: [{ x: 100, y: 200 }, { x: 1_000, y: 260 }, { x: 10_000, y: 270 }, { x: 100_000, y: 275 }] }],
    });
    expect(texts(svg, 'axis-title')).toEqual([t.openCases, t.workerRssMiB]);
    expect(texts(svg, 'axis-label')).toEqual(expect.arrayContaining(['100', '10 000']));
    expect(marks(svg, 'line', 'path')).toBe(1);
    expect(marks(svg, 'symbol', 'path')).toBe(4);
  });

  it('when a bar chart is drawn, then it has its title, titled axes, group ticks, a legend entry per bar name, one bar per value and an error bar per spread', async () => {
    const svg = await barChartSvg({
      title: t.burstTitle,
      xTitle: t.deadlinesInBurst,
      yTitle: t.p99LatenessMs,
      bars: [
        { group: '300', name: t.rawTemporal, value: 9_000, low: 8_500, high: 9_800 },
        { group: '300', name: t.samverkan, value: 10_000 },
        { group: '1 000', name: t.rawTemporal, value: 31_900, low: 30_000, high: 33_000 },
        { group: '1 000', name: t.samverkan, value: 35_000, low: 34_000, high: 37_000 },
      ],
    });
    expect(texts(svg, 'title-text')).toEqual([t.burstTitle]);
    expect(texts(svg, 'axis-title')).toEqual([t.deadlinesInBurst, t.p99LatenessMs]);
    const ticks = texts(svg, 'axis-label');
    expect(ticks).toEqual(expect.arrayContaining(['300', '1 000', '0', '30 000']));
    expect(texts(svg, 'legend-label')).toEqual([t.rawTemporal, t.samverkan]);
    expect(marks(svg, 'rect', 'path')).toBe(4);
    expect(marks(svg, 'rule', 'line')).toBe(3);
  });
});
