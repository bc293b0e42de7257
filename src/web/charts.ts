import { createHash } from 'node:crypto';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

export type Cell = string | number | null;

/** One chart's data, as its table and CSV show it: the first column names the category (a week, an event). */
export type ChartData = Readonly<{
  id: string;
  title: string;
  /** One or two sentences under the chart: what it shows and the figure that matters. */
  caption: string;
  kind: 'bar' | 'stacked-bar' | 'line' | 'stacked-area';
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
  /** Columns drawn as a line on a second axis (e.g. a median in hours beside counts). */
  lineColumns?: readonly string[];
}>;

export const accent = '#1f5fbf';
const palette = [accent, '#8aa9d6', '#b45f06', '#5b8c5a', '#7a6fa6'];
const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const width = 640;
const height = 260;

// Rendering is a pure function of the data, and setOption costs ~10 ms a chart: the same data is drawn once.
const cache = new Map<string, string>();
const cacheLimit = 500;

/** For benchmarks: the next render draws every chart afresh. */
export function clearChartCache(): void {
  cache.clear();
}

/** The chart as an SVG string, drawn on the server (no script, no canvas), safe under a CSP without inline styles. */
export function renderChartSvg(chart: ChartData): string {
  const key = createHash('sha256')
    .update(JSON.stringify([chart.kind, chart.columns, chart.rows, chart.lineColumns]))
    .digest('base64url');
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const svg = withoutInlineStyles(draw(chart));
  cache.set(key, svg);
  if (cache.size > cacheLimit) cache.delete(cache.keys().next().value!);
  return svg;
}

function draw(chart: ChartData): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const categories = chart.rows.map((row) => String(row[0] ?? ''));
    const lines = new Set(chart.lineColumns ?? []);
    const series = chart.columns.slice(1).map((name, i) => {
      const data = chart.rows.map((row) => row[i + 1] ?? null);
      const onLine = lines.has(name);
      const stacked = chart.kind === 'stacked-bar' || chart.kind === 'stacked-area';
      const type = onLine || chart.kind === 'line' || chart.kind === 'stacked-area' ? 'line' : 'bar';
      return {
        name,
        type,
        data,
        yAxisIndex: onLine ? 1 : 0,
        stack: stacked && !onLine ? 'total' : undefined,
        areaStyle: chart.kind === 'stacked-area' && !onLine ? { opacity: 0.85 } : undefined,
        showSymbol: type === 'line' && chart.rows.length <= 12,
        connectNulls: true,
        barMaxWidth: 28,
      };
    });
    instance.setOption({
      animation: false,
      color: palette,
      textStyle: { fontFamily, color: '#333' },
      legend: { bottom: 0, textStyle: { fontFamily, color: '#333' } },
      grid: { left: 48, right: lines.size ? 56 : 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: categories, axisLabel: { color: '#444', hideOverlap: true } },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: { color: '#444' } },
        ...(lines.size ? [{ type: 'value', axisLabel: { color: '#444' }, splitLine: { show: false } }] : []),
      ],
      series,
    });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

const presentational = new Set(['font-size', 'font-family', 'font-weight', 'font-style', 'fill', 'stroke', 'opacity', 'fill-opacity', 'stroke-opacity']);

/** ECharts writes fonts as style attributes and a <style> block for hover; a strict CSP blocks both, so they become plain SVG attributes. */
export function withoutInlineStyles(svg: string): string {
  return svg.replace(/<style[^>]*>[\s\S]*?<\/style>/g, '').replace(/ style="([^"]*)"/g, (_, declarations: string) =>
    declarations
      .split(';')
      .map((declaration) => declaration.split(':').map((part) => part.trim()))
      .filter(([name, value]) => name && value && presentational.has(name))
      .map(([name, value]) => ` ${name}="${value!.replace(/"/g, '&quot;')}"`)
      .join(''),
  );
}

/** RFC 4180 CSV; a cell that a spreadsheet would read as a formula is prefixed with an apostrophe. */
export function toCsv(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (value: Cell) => {
    if (value === null) return '';
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
