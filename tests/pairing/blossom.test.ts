import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maxWeightMatching, type WeightedEdge } from '../../src/pairing/blossom.js';

/** Every matching, by brute force: the best total weight, and the best among those with the most edges. */
function bruteForce(n: number, edges: readonly WeightedEdge[]): { best: number; bestMaxCardinality: [number, number] } {
  let best = 0;
  let bestCard: [number, number] = [0, 0];
  const used = new Array<boolean>(n).fill(false);
  const walk = (k: number, weight: number, count: number) => {
    if (k === edges.length) {
      best = Math.max(best, weight);
      if (count > bestCard[0] || (count === bestCard[0] && weight > bestCard[1])) bestCard = [count, weight];
      return;
    }
    walk(k + 1, weight, count);
    const [i, j, w] = edges[k]!;
    if (!used[i] && !used[j]) {
      used[i] = used[j] = true;
      walk(k + 1, weight + w, count + 1);
      used[i] = used[j] = false;
    }
  };
  walk(0, 0, 0);
  return { best, bestMaxCardinality: bestCard };
}

function weighMatching(mate: Int32Array, edges: readonly WeightedEdge[]): { weight: number; count: number } {
  let weight = 0;
  let count = 0;
  for (const [i, j, w] of edges) {
    if (mate[i] === j && mate[j] === i) {
      weight += w;
      count++;
    }
  }
  return { weight, count };
}

const graph = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc
    .uniqueArray(
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 20 })).filter(([i, j]) => i < j),
      { selector: ([i, j]) => `${i}-${j}`, maxLength: 14 },
    )
    .map((edges) => ({ n, edges: edges })),
);

describe('maximum-weight matching (blossom)', () => {
  test('matches the brute-force optimum on random graphs', () => {
    fc.assert(
      fc.property(graph, ({ n, edges }) => {
        const mate = maxWeightMatching(n, edges);
        for (let v = 0; v < n; v++) if (mate[v]! >= 0) expect(mate[mate[v]!]).toBe(v);
        expect(weighMatching(mate, edges).weight).toBe(bruteForce(n, edges).best);
      }),
      { numRuns: 400 },
    );
  });

  test('with maxCardinality, matches the most pairs first, then the most weight', () => {
    fc.assert(
      fc.property(graph, ({ n, edges }) => {
        const found = weighMatching(maxWeightMatching(n, edges, true), edges);
        expect([found.count, found.weight]).toEqual(bruteForce(n, edges).bestMaxCardinality);
      }),
      { numRuns: 400 },
    );
  });

  test('takes the heavier path through an odd cycle (a blossom)', () => {
    const edges: WeightedEdge[] = [
      [0, 1, 8],
      [0, 2, 9],
      [1, 2, 10],
      [2, 3, 7],
      [1, 4, 5],
      [3, 5, 6],
    ];
    const mate = maxWeightMatching(6, edges);
    expect(weighMatching(mate, edges).weight).toBe(bruteForce(6, edges).best);
  });
});
