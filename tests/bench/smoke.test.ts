import { describe, expect, test } from 'vitest';
import { runFanout } from '../../bench/fanout.js';
import { runIngest } from '../../bench/ingest.js';
import { runPairing } from '../../bench/pairing.js';
import { runLatency } from '../../bench/latency.js';
import type { BenchOptions, Figure } from '../../bench/lib/report.js';
import { runScheduler } from '../../bench/scheduler.js';
import { runSearch } from '../../bench/search.js';
import { runWeb } from '../../bench/web.js';

// Each benchmark at tiny sizes, servers in this process, so that none can rot unnoticed. `npm run bench` runs the
// same code at full size, each figure in its own process. Only the shape of the figures is checked, never a timing.
const benchmarks: [string, (options: BenchOptions) => Promise<Figure>][] = [
  ['latency', runLatency],
  ['fanout', runFanout],
  ['search', runSearch],
  ['scheduler', runScheduler],
  ['ingest', runIngest],
  ['web', runWeb],
  ['pairing', runPairing],
];

describe('benchmarks at smoke sizes', () => {
  test.each(benchmarks)('%s reports well-formed figures', { timeout: 60_000 }, async (name, run) => {
    const figure = await run({ smoke: true, inProcess: true });
    expect(figure).toMatchObject({ name, size: 'smoke' });
    expect(figure.rows.length).toBeGreaterThan(2);
    for (const entry of figure.rows) {
      expect(entry.measure).not.toBe('');
      expect(entry.unit).not.toBe('');
      expect(Number.isFinite(entry.value)).toBe(true);
      if (entry.goal) expect(typeof entry.met).toBe('boolean');
    }
    expect(figure.peakRssMb).toBeGreaterThan(0);
    if (name === 'fanout') {
      // Not a timing: the outbox delivers each post exactly once whatever the limits answer.
      const count = (measure: string) => figure.rows.find((entry) => entry.measure === measure)?.value;
      for (const run of ['80–300 ms latency', 'zero latency']) {
        expect([count(`messages lost (${run})`), count(`messages duplicated (${run})`), count(`still pending at the end (${run})`)]).toEqual([0, 0, 0]);
      }
    }
  });
});
