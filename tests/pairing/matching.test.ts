import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildHistory, countRepeats, formGroups, formMentoringGroups, groupSizes, pairCost, seededRandom, type PastGroup } from '../../src/pairing/matching.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The fewest repeated pairs any grouping of these sizes can have, by trying every one. */
function fewestRepeats(n: number, sizes: readonly number[], met: (a: number, b: number) => boolean): number {
  let best = Infinity;
  const groups: number[][] = sizes.map(() => []);
  const place = (person: number, repeats: number) => {
    if (repeats >= best) return;
    if (person === n) {
      best = repeats;
      return;
    }
    const triedEmpty = new Set<number>();
    groups.forEach((group, g) => {
      if (group.length >= sizes[g]!) return;
      // Empty groups of the same size are interchangeable: try one of them.
      if (group.length === 0) {
        if (triedEmpty.has(sizes[g]!)) return;
        triedEmpty.add(sizes[g]!);
      }
      const added = group.filter((other) => met(person, other)).length;
      group.push(person);
      place(person + 1, repeats + added);
      group.pop();
    });
  };
  place(0, 0);
  return best;
}

describe('group sizes', () => {
  test.each(range(11).flatMap((i) => [2, 3, 4].map((size) => [i + 2, size] as const)))(
    '%i people in groups of %i: everyone placed, sizes near the wish',
    (n, size) => {
      const sizes = groupSizes(n, size);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      for (const s of sizes) {
        expect(s).toBeGreaterThanOrEqual(2);
        if (n >= size) expect(s).toBeGreaterThanOrEqual(size - 1);
        expect(s).toBeLessThanOrEqual(size + 1);
      }
      if (size === 2) expect(sizes.filter((s) => s === 3).length).toBe(n % 2);
    },
  );

  test('one person makes no group', () => {
    expect(groupSizes(1, 2)).toEqual([]);
    expect(groupSizes(0, 3)).toEqual([]);
  });
});

describe('forming groups', () => {
  test.each(range(11).flatMap((i) => [2, 3, 4].map((size) => [i + 2, size] as const)))('%i people, size %i: nobody left out, nobody twice', (n, size) => {
    const groups = formGroups(n, size, pairCost(buildHistory([]), range(n)));
    expect(groups.flat().sort((a, b) => a - b)).toEqual(range(n));
    expect(groups.map((g) => g.length).sort()).toEqual(groupSizes(n, size).sort());
  });

  test('over ten rounds of eight people, nobody meets the same person twice while an unused partner remains', () => {
    const people = range(8);
    const past: PastGroup[] = [];
    for (let round = 1; round <= 10; round++) {
      const history = buildHistory(past);
      const groups = formGroups(8, 2, pairCost(history, people), seededRandom(round));
      const partnersLeft = (p: number) => people.filter((q) => q !== p && history.between(p, q).count === 0).length;
      if (round <= 7) {
        // A round-robin of 8 lasts 7 rounds: every pair is new until then.
        expect(countRepeats(groups, history)).toBe(0);
      }
      for (const [a, b] of groups) {
        if (history.between(a!, b!).count > 0) expect(Math.min(partnersLeft(a!), partnersLeft(b!))).toBe(0);
      }
      // Age everyone's history by a round, then add this one.
      for (const group of past) (group as { roundsAgo: number }).roundsAgo++;
      past.push(...groups.map((members) => ({ members, roundsAgo: 1 })));
    }
  });

  test('when a repeat is unavoidable, the pair who met longest ago meet again', () => {
    // Four people who all met: 0-1 met ten rounds ago, 2-3 a round ago; 0-2 / 1-3 and 0-3 / 1-2 two rounds ago.
    const past: PastGroup[] = [
      { members: [0, 1], roundsAgo: 10 },
      { members: [2, 3], roundsAgo: 10 },
      { members: [0, 2], roundsAgo: 1 },
      { members: [1, 3], roundsAgo: 1 },
      { members: [0, 3], roundsAgo: 2 },
      { members: [1, 2], roundsAgo: 2 },
    ];
    const groups = formGroups(4, 2, pairCost(buildHistory(past), range(4)));
    expect(groups.map((g) => [...g].sort()).sort()).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  test('property: over random histories, groups never repeat more than necessary', () => {
    const scenario = fc
      .record({ n: fc.integer({ min: 2, max: 11 }), size: fc.constantFrom(2, 3, 4) })
      .chain(({ n, size }) =>
        fc.record({
          n: fc.constant(n),
          size: fc.constant(size),
          past: fc.array(
            fc.record({
              members: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 2, maxLength: 2 }),
              roundsAgo: fc.integer({ min: 1, max: 30 }),
            }),
            { maxLength: 20 },
          ),
          seed: fc.integer(),
        }),
      )
      .filter(({ n, size }) => size === 2 || n <= 10);
    fc.assert(
      fc.property(scenario, ({ n, size, past, seed }) => {
        const history = buildHistory(past);
        const groups = formGroups(n, size, pairCost(history, range(n)), seededRandom(seed));
        expect(groups.flat().sort((a, b) => a - b)).toEqual(range(n));
        const met = (a: number, b: number) => history.between(a, b).count > 0;
        expect(countRepeats(groups, history)).toBe(fewestRepeats(n, groupSizes(n, size), met));
      }),
      { numRuns: 300 },
    );
  });
});

describe('mentoring groups', () => {
  test('each mentee gets the mentor whose topics match best, and nobody is left out', () => {
    // Mentees 0 (evaluation) and 1 (funding); mentors 10 (funding) and 11 (evaluation); peers 20, 21.
    const topics: Record<number, string> = { 0: 'evaluation', 1: 'funding', 10: 'funding', 11: 'evaluation' };
    const groups = formMentoringGroups({
      mentees: [0, 1],
      mentors: [10, 11],
      peers: [20, 21],
      size: 2,
      affinity: (mentee, mentor) => (topics[mentee] === topics[mentor] ? 80 : 0),
      history: buildHistory([]),
    });
    expect(groups).toContainEqual({ members: [11, 0], mentor: 11 });
    expect(groups).toContainEqual({ members: [10, 1], mentor: 10 });
    expect(groups.flatMap((g) => g.members).sort((a, b) => a - b)).toEqual([0, 1, 10, 11, 20, 21]);
  });

  test('a mentor met last round is not chosen again while another fits', () => {
    const groups = formMentoringGroups({
      mentees: [0],
      mentors: [10, 11],
      peers: [],
      size: 2,
      affinity: (_mentee, mentor) => (mentor === 10 ? 90 : 10),
      history: buildHistory([{ members: [0, 10], roundsAgo: 1 }]),
    });
    // Mentor 10, left without a mentee, joins the group rather than waiting alone.
    expect(groups.find((g) => g.members.includes(0))?.mentor).toBe(11);
  });

  test('more mentees than mentors: mentors take several, spread evenly', () => {
    const groups = formMentoringGroups({
      mentees: [0, 1, 2, 3],
      mentors: [10, 11],
      peers: [],
      size: 2,
      affinity: () => 50,
      history: buildHistory([]),
    });
    expect(groups.map((g) => g.members.length).sort()).toEqual([3, 3]);
  });
});
