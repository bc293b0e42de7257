// Figures as every benchmark reports them: one table per figure, the same rows in bench/results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A goal is an upper bound (`max`) or a lower bound (`min`) on the row's value. */
export type Goal = Readonly<{ max?: number; min?: number }>;

export type Row = Readonly<{
  measure: string;
  value: number;
  unit: string;
  /** The same measure for the baseline (bare Bolt, a raw query, a raw insert loop, the limits' minimum). */
  baseline?: number;
  /** value / baseline, when there is a baseline. */
  ratio?: number;
  goal?: Goal;
  met?: boolean;
}>;

export type Figure = Readonly<{
  name: string;
  title: string;
  size: 'smoke' | 'full';
  rows: Row[];
  notes: string[];
  /** The process's peak resident set (VmHWM), in MB. */
  peakRssMb: number;
  seconds: number;
}>;

export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const resultsPath = join(benchDir, 'results.json');

export function row(measure: string, value: number, unit: string, extra: { baseline?: number; goal?: Goal } = {}): Row {
  const ratio = extra.baseline !== undefined && extra.baseline > 0 ? value / extra.baseline : undefined;
  const met = extra.goal ? (extra.goal.max === undefined || value <= extra.goal.max) && (extra.goal.min === undefined || value >= extra.goal.min) : undefined;
  return { measure, value, unit, ...extra, ratio, met };
}

/** A ratio row whose goal is on the ratio itself (e.g. "under 1.5x the raw query"). */
export function ratioRow(measure: string, value: number, baseline: number, goal?: Goal): Row {
  const ratio = baseline > 0 ? value / baseline : Number.POSITIVE_INFINITY;
  const met = goal ? (goal.max === undefined || ratio <= goal.max) && (goal.min === undefined || ratio >= goal.min) : undefined;
  return { measure, value: ratio, unit: 'x', goal, met };
}

/** The peak resident set of this process so far, in MB (Linux VmHWM; maxRSS elsewhere). */
export function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS / 1024;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function describeGoal(entry: Row): string {
  if (!entry.goal) return '';
  const mark = entry.met ? '✓' : '✗';
  const limit = entry.goal.max ?? entry.goal.min ?? 0;
  const bound = entry.goal.max !== undefined ? (limit === 0 ? '= 0' : `≤ ${formatNumber(limit)}`) : `≥ ${formatNumber(limit)}`;
  // The margin: how much of the goal is used (or by how much it is missed).
  const margin = limit === 0 ? (entry.value === 0 ? '' : ` (${formatNumber(entry.value)} over)`) : ` (${formatNumber(entry.value / limit)}x of goal)`;
  return `${mark} ${bound}${margin}`;
}

/** A plain-text table, columns padded. */
export function table(headers: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...lines.map((line) => (line[i] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [render(headers), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

export function figureLines(figure: Figure): string[][] {
  return figure.rows.map((entry) => [
    figure.name,
    entry.measure,
    `${formatNumber(entry.value)} ${entry.unit}`,
    entry.baseline === undefined ? '' : `${formatNumber(entry.baseline)} ${entry.unit}`,
    entry.ratio === undefined ? '' : `${formatNumber(entry.ratio)}x`,
    describeGoal(entry),
  ]);
}

export const tableHeaders = ['figure', 'measure', 'value', 'baseline', 'ratio', 'goal'] as const;

export function printFigure(figure: Figure): void {
  console.log(`\n${figure.title} (${figure.size}, ${figure.seconds.toFixed(1)} s, peak RSS ${figure.peakRssMb.toFixed(0)} MB)`);
  console.log(table(tableHeaders, figureLines(figure)));
  for (const note of figure.notes) console.log(`  note: ${note}`);
}

export type BenchArgs = Readonly<{ smoke: boolean; out?: string }>;

/** How a benchmark runs: `smoke` for tiny sizes; `inProcess` keeps servers in this process (the smoke test's way). */
export type BenchOptions = Readonly<{ smoke: boolean; inProcess?: boolean }>;

/** True when the module is the script node was started with, rather than imported. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}

/** `--smoke` for tiny sizes; `--out <file>` where the figure's JSON goes (full runs merge into bench/results.json by default). */
export function parseArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const smoke = argv.includes('--smoke');
  const at = argv.indexOf('--out');
  const out = at >= 0 ? argv[at + 1] : undefined;
  return { smoke, out };
}

/** Prints the figure and writes it: to --out when given, else merged into bench/results.json (full runs only). */
export function finish(args: BenchArgs, figure: Figure): void {
  printFigure(figure);
  if (args.out) {
    writeFileSync(args.out, `${JSON.stringify(figure, null, 2)}\n`);
    return;
  }
  if (args.smoke) return;
  let results: { figures?: Record<string, Figure> } = {};
  try {
    results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { figures?: Record<string, Figure> };
  } catch {
    // No results yet.
  }
  results.figures = { ...results.figures, [figure.name]: figure };
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** A seeded generator, so that every run measures the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
