// The crash drill, full length: `npx tsx bench/crash-fanout.ts [--rounds 20] [--channels 8]` (npm script: "bench:crash").
// The real bot process (`npm start`) against a fake Slack and a fake Discord that take 1.5 s to answer a post (the
// post itself lands at once); in each round a fan-out of prompts to 16 channels (`--channels` per platform) falls due, the process is killed with
// SIGKILL at a random moment after the first post lands, and a new one is started on the same database. Every channel
// must be served exactly once. tests/delivery/crash-fanout.test.ts runs three rounds of the same drill in `npm test`.
import { parseArgs } from 'node:util';
import { runCrashFanouts } from '../tests/delivery/crash-fanout-world.js';
import { seededRandom } from './lib/report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    // Per platform. Past the pacing's burst (10 on Slack, 20 on Discord) some posts are still waiting at the kill.
    channels: { type: 'string', default: '8' },
  },
});
const rounds = Number(values.rounds);
const channelsPerPlatform = Number(values.channels);
const random = seededRandom(Number(values.seed));
// From at once to past the fakes' answers: before any answer, among them, and after them.
const moments = Array.from({ length: rounds }, () => Math.round(random() * 2_500));
const runs = await runCrashFanouts({ rounds, killAfterMs: (round) => moments[round]!, channelsPerPlatform });
for (const [round, run] of runs.entries()) {
  process.stdout.write(
    `round ${String(round + 1).padStart(2)}: killed ${String(run.killAfterMs).padStart(4)} ms after the first post, ${String(run.postedBeforeKill).padStart(2)}/${2 * channelsPerPlatform} posted by then; lost ${run.lost.length}, duplicated ${run.duplicated.length}; served ${(run.servedAfterKillMs / 1000).toFixed(1)} s after the kill\n`,
  );
}
const lost = runs.reduce((sum, run) => sum + run.lost.length, 0);
const duplicated = runs.reduce((sum, run) => sum + run.duplicated.length, 0);
process.stdout.write(`${rounds} rounds of ${2 * channelsPerPlatform} channels (seed ${values.seed}): ${lost} lost, ${duplicated} duplicated\n`);
process.exitCode = lost + duplicated === 0 ? 0 : 1;
