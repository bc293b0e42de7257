// Figure 6, peer-exchange matching at scale: `npx tsx bench/pairing.ts [--smoke]`.
// 2,000 people in one community with a year of weekly history (52 rounds of pairs, drawn at random so that everyone
// has about 52 past partners). One round is matched as the scheduler would (formGroups: maximum-weight matching on a
// graph whose weights penalise past pairings), timed, and its repeats are counted against a random pairing's.
import { performance } from 'node:perf_hooks';
import { buildHistory, countRepeats, formGroups, pairCost, seededRandom as matchingRandom, type PastGroup } from '../src/pairing/matching.js';
import { finish, isMain, parseArgs, peakRssMb, row, seededRandom, type BenchOptions, type Figure } from './lib/report.js';

function shuffled(people: readonly number[], random: () => number): number[] {
  const copy = [...people];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function randomGroups(people: readonly number[], size: number, random: () => number): number[][] {
  const order = shuffled(people, random);
  const groups: number[][] = [];
  for (let i = 0; i + size <= order.length; i += size) groups.push(order.slice(i, i + size));
  const rest = order.slice(groups.length * size);
  rest.forEach((person, i) => groups[i % groups.length]!.push(person));
  return groups;
}

export async function runPairing(options: BenchOptions): Promise<Figure> {
  const began = performance.now();
  const size = options.smoke ? 200 : 2_000;
  const weeks = options.smoke ? 10 : 52;
  const random = seededRandom(61);
  const people = Array.from({ length: size }, (_, i) => i + 1);
  const past: PastGroup[] = [];
  for (let week = 1; week <= weeks; week++) {
    for (const members of randomGroups(people, 2, random)) past.push({ members, roundsAgo: week });
  }
  const historyStarted = performance.now();
  const history = buildHistory(past);
  const historyMs = performance.now() - historyStarted;

  const timed = (groupSize: number) => {
    const started = performance.now();
    const groups = formGroups(people.length, groupSize, pairCost(history, people), matchingRandom(7)).map((group) => group.map((i) => people[i]!));
    return { ms: performance.now() - started, groups };
  };
  const pairs = timed(2);
  const fours = timed(4);
  const randomPairs = randomGroups(people, 2, random);
  const randomFours = randomGroups(people, 4, random);
  const everyoneOnce = (groups: number[][]) => groups.flat().length === people.length && new Set(groups.flat()).size === people.length;
  const repeatsOf = (groups: number[][]) => countRepeats(groups, history);

  return {
    name: 'pairing',
    title: `6. Peer exchange: ${size.toLocaleString('en-US')} people, ${weeks} weeks of history`,
    size: options.smoke ? 'smoke' : 'full',
    rows: [
      row('match a round of pairs', pairs.ms, 'ms', { goal: { max: 2000 } }),
      row('repeated pairs, matched', repeatsOf(pairs.groups), 'pairs', { baseline: repeatsOf(randomPairs) }),
      row('repeated pairs, random pairing', repeatsOf(randomPairs), 'pairs'),
      row('match a round of groups of 4', fours.ms, 'ms'),
      row('repeated pairs in groups of 4, matched', repeatsOf(fours.groups), 'pairs', { baseline: repeatsOf(randomFours) }),
      row('people left out or placed twice', (everyoneOnce(pairs.groups) ? 0 : 1) + (everyoneOnce(fours.groups) ? 0 : 1), 'rounds', { goal: { max: 0 } }),
      row('read the history', historyMs, 'ms'),
    ],
    notes: [
      `history: ${past.length.toLocaleString('en-US')} past pairs drawn at random, about ${weeks} past partners each`,
      'baseline for repeats: a random pairing of the same people against the same history (what a plain random-coffee bot does)',
      `${pairs.groups.length} pairs${pairs.groups.some((g) => g.length === 3) ? ' (one of three)' : ''}; ${fours.groups.length} groups of about 4`,
    ],
    peakRssMb: peakRssMb(),
    seconds: (performance.now() - began) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  finish(args, await runPairing(args));
}
