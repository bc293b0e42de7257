// `npm run bench`: every figure, each in its own process (so peak memory is per figure), then one summary table,
// written with the machine it ran on to bench/results.json. `--smoke` runs the tiny sizes; `--only a,b` some figures.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runTsx } from './lib/child.js';
import { benchDir, figureLines, parseArgs, resultsPath, table, tableHeaders, type Figure } from './lib/report.js';

export const figureNames = ['latency', 'fanout', 'search', 'scheduler', 'ingest', 'web', 'pairing'] as const;

const args = parseArgs();
const at = process.argv.indexOf('--only');
const only = at >= 0 ? (process.argv[at + 1] ?? '').split(',') : undefined;
const chosen = figureNames.filter((name) => !only || only.includes(name));
const scratch = mkdtempSync(join(tmpdir(), 'weaver-bench-run-'));
const began = performance.now();
// The machine may be shared: its load before and after says how far the figures can be trusted.
const loadBefore = loadavg()[0]!;
const figures: Figure[] = [];
const failed: string[] = [];

for (const name of chosen) {
  const out = join(scratch, `${name}.json`);
  const started = performance.now();
  try {
    await runTsx(join(benchDir, `${name}.ts`), [...(args.smoke ? ['--smoke'] : []), '--out', out], { timeoutMs: args.smoke ? 120_000 : 420_000 });
    figures.push(JSON.parse(readFileSync(out, 'utf8')) as Figure);
  } catch (error) {
    failed.push(name);
    console.error(`${name} failed after ${((performance.now() - started) / 1000).toFixed(0)} s: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const totalSeconds = (performance.now() - began) / 1000;
const machine = {
  nproc: cpus().length,
  cpu: /model name\s*:\s*(.+)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
};
console.log(
  `\nSummary (${args.smoke ? 'smoke' : 'full'} sizes, ${totalSeconds.toFixed(0)} s in all; ${machine.nproc} × ${machine.cpu}, Node ${machine.node}; load average ${machine.loadAverage.before} before, ${machine.loadAverage.after} after)`,
);
console.log(table(tableHeaders, figures.flatMap(figureLines)));
for (const figure of figures) console.log(`  ${figure.name}: ${figure.seconds.toFixed(0)} s, peak RSS ${figure.peakRssMb.toFixed(0)} MB`);
const missed = figures.flatMap((figure) => figure.rows.filter((entry) => entry.met === false).map((entry) => `${figure.name}: ${entry.measure}`));
console.log(missed.length ? `Goals missed: ${missed.join('; ')}` : 'Every goal met.');

const results = {
  generatedAt: new Date().toISOString(),
  size: args.smoke ? 'smoke' : 'full',
  totalSeconds,
  machine,
  figures: Object.fromEntries(figures.map((figure) => [figure.name, figure])),
  failed,
};
// Smoke runs write beside their figures, never over the full results.
const target = args.out ?? (args.smoke ? join(scratch, 'results.json') : resultsPath);
writeFileSync(target, `${JSON.stringify(results, null, 2)}\n`);
console.log(`Written to ${target}`);
if (failed.length) process.exitCode = 1;

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
