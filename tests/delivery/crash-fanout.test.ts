import { describe, expect, it } from 'vitest';
import { runCrashFanouts } from './crash-fanout-world.js';

// The short version of bench/crash-fanout.ts (20 rounds): the real bot process, killed mid-send and restarted.
describe('a crash in the middle of a fan-out', () => {
  // Each round costs a process start (a few seconds; far more on a loaded machine), hence the generous bound.
  it('serves every channel exactly once on Slack and Discord, whenever the process is killed', { timeout: 240_000 }, async () => {
    // Killed before any answer came back, as answers came back (the fakes answer after 1.5 s), and at a random moment.
    const moments = [300, 1_400 + Math.round(Math.random() * 300), Math.round(Math.random() * 2_500)];
    const runs = await runCrashFanouts({ rounds: moments.length, killAfterMs: (round) => moments[round]!, channelsPerPlatform: 8 });
    expect(runs.map((run) => ({ killAfterMs: run.killAfterMs, lost: run.lost, duplicated: run.duplicated }))).toEqual(
      moments.map((killAfterMs) => ({ killAfterMs, lost: [], duplicated: [] })),
    );
    // The kill came mid fan-out: some posts had reached the platforms, the restarted process served the rest.
    expect(runs.every((run) => run.postedBeforeKill > 0)).toBe(true);
  });
});
