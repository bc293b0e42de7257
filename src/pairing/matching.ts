import { maxWeightMatching, type WeightedEdge } from './blossom.js';

// Who meets whom in a round. Pure functions over people numbered 0..n-1, so that tests and the benchmark can run them
// without a database. The objective, in order: fewest repeated pairs; then (mentoring) the best topic match; then the
// oldest repeats rather than recent ones.

/** A group of an earlier round, by the participants' keys, and how many rounds ago it met (1 for the last round). */
export type PastGroup = Readonly<{ members: readonly number[]; roundsAgo: number }>;

// A meeting weighs more the more recent it is; the sum per pair is capped so that the levels below stay separable.
const recencyCap = 1000;
const recencyOf = (roundsAgo: number) => Math.max(1, 100 - roundsAgo);

export type MeetingHistory = Readonly<{
  /** How often two people met, and the recency weight of those meetings (0 when they never met). */
  between(a: number, b: number): { count: number; recency: number };
}>;

const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function buildHistory(past: readonly PastGroup[]): MeetingHistory {
  const meetings = new Map<string, { count: number; recency: number }>();
  for (const group of past) {
    const members = [...new Set(group.members)];
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const key = pairKey(members[i]!, members[j]!);
        const known = meetings.get(key) ?? { count: 0, recency: 0 };
        meetings.set(key, { count: known.count + 1, recency: Math.min(recencyCap, known.recency + recencyOf(group.roundsAgo)) });
      }
    }
  }
  const never = { count: 0, recency: 0 };
  return { between: (a, b) => meetings.get(pairKey(a, b)) ?? never };
}

/** How many pairs inside the groups had met before: what the matching minimises first. */
export function countRepeats(groups: readonly (readonly number[])[], history: MeetingHistory): number {
  let repeats = 0;
  for (const group of groups) {
    for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) if (history.between(group[i]!, group[j]!).count > 0) repeats++;
  }
  return repeats;
}

/**
 * The sizes of the groups for n people and a wanted size: as close to `size` as n allows, never fewer than 2, and
 * for pairs an odd one out makes one group of three. Fewer than 2 people make no group.
 */
export function groupSizes(n: number, size: number): number[] {
  if (n < 2) return [];
  let count = Math.max(1, size === 2 ? Math.floor(n / 2) : Math.round(n / size));
  while (count > 1 && Math.floor(n / count) < 2) count--;
  const small = Math.floor(n / count);
  const larger = n % count;
  return Array.from({ length: count }, (_, i) => (i < larger ? small + 1 : small));
}

/** A seeded pseudo-random generator (mulberry32): the same round gets the same candidates every time. */
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

// Up to this many people the graph is complete; above, each person gets random candidates first (see pairCosts).
const denseLimit = 300;
const sparseDegrees = [16, 64];

type Cost = (a: number, b: number) => number;

/**
 * The cost of putting two of the n people together: 0 when they never met; otherwise a repeat penalty larger than
 * every recency difference a grouping can add up, plus the recency of their meetings.
 */
export function pairCost(history: MeetingHistory, people: readonly number[]): Cost {
  const repeat = recencyCap * (2 * people.length + 1) + 1;
  return (a, b) => {
    const met = history.between(people[a]!, people[b]!);
    return met.count === 0 ? 0 : repeat + met.recency;
  };
}

function highestCost(n: number): number {
  return recencyCap * (2 * n + 1) + 1 + recencyCap;
}

function groupCost(group: readonly number[], cost: Cost): number {
  let total = 0;
  for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) total += cost(group[i]!, group[j]!);
  return total;
}

const costTo = (person: number, group: readonly number[], cost: Cost) => group.reduce((sum, other) => sum + cost(person, other), 0);

/**
 * Maximum-weight matching over the people 0..n-1 (every edge weighs more than nothing, so as many pairs as possible).
 * Large rounds first try a sparse graph of random candidates: a perfect matching there without a single repeat is
 * optimal for the complete graph too (nothing can beat zero cost), otherwise the graph grows until it is complete.
 */
function matchPairs(n: number, cost: Cost, random: () => number): Int32Array {
  const top = highestCost(n) + 1;
  const edgeOf = (i: number, j: number): WeightedEdge => [i, j, top - cost(i, j)];
  const complete = () => {
    const edges: WeightedEdge[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push(edgeOf(i, j));
    return maxWeightMatching(n, edges, true);
  };
  if (n <= denseLimit) return complete();
  for (const degree of sparseDegrees) {
    const seen = new Set<number>();
    const edges: WeightedEdge[] = [];
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < degree; c++) {
        const j = Math.floor(random() * n);
        if (j === i) continue;
        const key = Math.min(i, j) * n + Math.max(i, j);
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push(edgeOf(Math.min(i, j), Math.max(i, j)));
      }
    }
    const mate = maxWeightMatching(n, edges, true);
    let unmatched = 0;
    let repeats = 0;
    for (let v = 0; v < n; v++) {
      if (mate[v]! < 0) unmatched++;
      else if (v < mate[v]! && cost(v, mate[v]!) > 0) repeats++;
    }
    if (unmatched === n % 2 && repeats === 0) return mate;
  }
  return complete();
}

function pairsOf(mate: Int32Array): { pairs: number[][]; single: number[] } {
  const pairs: number[][] = [];
  const single: number[] = [];
  mate.forEach((other, v) => {
    if (other < 0) single.push(v);
    else if (v < other) pairs.push([v, other]);
  });
  return { pairs, single };
}

/**
 * Adds each person to the open group they cost least in: one maximum-weight matching per free place. In large rounds
 * each person is first offered random groups: if everyone is placed without a repeat, no other choice can do better.
 */
function fillGroups(groups: number[][], targets: readonly number[], pool: number[], cost: Cost, n: number, random: () => number): void {
  const top = highestCost(n) * 5 + 1;
  while (pool.length > 0) {
    const open = groups.map((_, g) => g).filter((g) => groups[g]!.length < targets[g]!);
    if (open.length === 0) throw new Error('more people than places in the groups');
    const placeAll = (degree: number | undefined) => {
      const edges: WeightedEdge[] = [];
      pool.forEach((person, p) => {
        const offered = degree === undefined ? open.map((_, o) => o) : [...new Set(Array.from({ length: degree }, () => Math.floor(random() * open.length)))];
        for (const o of offered) edges.push([p, pool.length + o, top - costTo(person, groups[open[o]!]!, cost)]);
      });
      return maxWeightMatching(pool.length + open.length, edges, true);
    };
    const wanted = Math.min(pool.length, open.length);
    const acceptable = (mate: Int32Array) => {
      let placed = 0;
      for (let p = 0; p < pool.length; p++) {
        if (mate[p]! < 0) continue;
        if (costTo(pool[p]!, groups[open[mate[p]! - pool.length]!]!, cost) > 0) return false;
        placed++;
      }
      return placed === wanted;
    };
    let mate: Int32Array | undefined;
    if (pool.length * open.length > denseLimit * denseLimit) {
      for (const degree of sparseDegrees) {
        const tried = placeAll(degree);
        if (acceptable(tried)) {
          mate = tried;
          break;
        }
      }
    }
    mate ??= placeAll(undefined);
    const placed = new Set<number>();
    pool.forEach((person, p) => {
      const slot = mate[p]!;
      if (slot >= 0) {
        groups[open[slot - pool.length]!]!.push(person);
        placed.add(person);
      }
    });
    pool = pool.filter((person) => !placed.has(person));
  }
}

/** Swaps two people between groups while that lowers the total cost (sizes stay as they are). */
function improveBySwaps(groups: number[][], cost: Cost, maxPasses = 8): void {
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    for (let x = 0; x < groups.length; x++) {
      for (let y = x + 1; y < groups.length; y++) {
        const a = groups[x]!;
        const b = groups[y]!;
        // A move from a group one larger to the other keeps the same sizes, only in the other order.
        if (Math.abs(a.length - b.length) === 1) {
          const [from, to] = a.length > b.length ? [a, b] : [b, a];
          for (let i = 0; i < from.length; i++) {
            const rest = from.filter((_, k) => k !== i);
            if (costTo(from[i]!, to, cost) < costTo(from[i]!, rest, cost)) {
              to.push(from.splice(i, 1)[0]!);
              improved = true;
              break;
            }
          }
        }
        for (let i = 0; i < a.length; i++) {
          for (let j = 0; j < b.length; j++) {
            const restA = a.filter((_, k) => k !== i);
            const restB = b.filter((_, k) => k !== j);
            const before = costTo(a[i]!, restA, cost) + costTo(b[j]!, restB, cost);
            const after = costTo(b[j]!, restA, cost) + costTo(a[i]!, restB, cost);
            if (after < before) {
              [a[i], b[j]] = [b[j]!, a[i]!];
              improved = true;
            }
          }
        }
      }
    }
    if (!improved) return;
  }
}

// Groups of three or more are a harder problem than pairs (no blossom for triples): small rounds are searched in full.
const exactLimit = 12;

/** The cheapest grouping of these sizes, by branch and bound: each person in turn joins a group with room. */
function exactGroups(n: number, sizes: readonly number[], cost: Cost): number[][] {
  let best: { groups: number[][]; total: number } | undefined;
  const groups: number[][] = sizes.map(() => []);
  const place = (person: number, total: number) => {
    if (best && total >= best.total) return;
    if (person === n) {
      best = { groups: groups.map((group) => [...group]), total };
      return;
    }
    const triedEmpty = new Set<number>();
    groups.forEach((group, g) => {
      if (group.length >= sizes[g]!) return;
      // Empty groups of the same size are interchangeable: trying one of them is enough.
      if (group.length === 0) {
        if (triedEmpty.has(sizes[g]!)) return;
        triedEmpty.add(sizes[g]!);
      }
      const added = costTo(person, group, cost);
      group.push(person);
      place(person + 1, total + added);
      group.pop();
    });
  };
  place(0, 0);
  return best!.groups;
}

// Trying each person as the odd one out costs one matching each: worth it only for small rounds.
const oddTrialLimit = 40;

/**
 * Groups the people 0..n-1 into groups of about `size` (see groupSizes), nobody left out when n ≥ 2. Pairs come from
 * a maximum-weight matching; larger groups grow from its cheapest pairs, each free place filled by a maximum-weight
 * matching of people to groups; small rounds are then polished by swaps.
 */
export function formGroups(n: number, size: number, cost: Cost, random: () => number = seededRandom(1)): number[][] {
  const sizes = groupSizes(n, size);
  if (sizes.length === 0) return [];
  if (sizes.length === 1) return [Array.from({ length: n }, (_, i) => i)];
  let groups: number[][];
  if (size > 2 && n <= exactLimit) return exactGroups(n, sizes, cost);
  if (size === 2) {
    groups = n % 2 === 1 && n <= oddTrialLimit ? bestWithOddOneOut(n, cost, random) : pairsWithExtra(n, cost, random, undefined);
  } else {
    const { pairs, single } = pairsOf(matchPairs(n, cost, random));
    const ranked = pairs.map((pair) => ({ pair, cost: cost(pair[0]!, pair[1]!) })).sort((a, b) => a.cost - b.cost);
    groups = ranked.slice(0, sizes.length).map((entry) => [...entry.pair]);
    const pool = [...ranked.slice(sizes.length).flatMap((entry) => entry.pair), ...single];
    fillGroups(
      groups,
      [...sizes].sort((a, b) => b - a),
      pool,
      cost,
      n,
      random,
    );
  }
  if (n <= denseLimit && groups.some((group) => groupCost(group, cost) > 0)) improveBySwaps(groups, cost);
  return groups;
}

function pairsWithExtra(n: number, cost: Cost, random: () => number, extra: number | undefined): number[][] {
  const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== extra);
  const mate = matchPairs(others.length, (a, b) => cost(others[a]!, others[b]!), random);
  const { pairs, single } = pairsOf(mate);
  const groups = pairs.map((pair) => pair.map((i) => others[i]!));
  for (const person of [...single.map((i) => others[i]!), ...(extra === undefined ? [] : [extra])]) {
    const best = groups.reduce((chosen, group, g) => (costTo(person, group, cost) < costTo(person, groups[chosen]!, cost) ? g : chosen), 0);
    groups[best]!.push(person);
  }
  return groups;
}

function bestWithOddOneOut(n: number, cost: Cost, random: () => number): number[][] {
  let best: { groups: number[][]; total: number } | undefined;
  for (let extra = 0; extra < n; extra++) {
    const groups = pairsWithExtra(n, cost, random, extra);
    const total = groups.reduce((sum, group) => sum + groupCost(group, cost), 0);
    if (!best || total < best.total) best = { groups, total };
    if (total === 0) break;
  }
  return best!.groups;
}

export type MentoringGroup = Readonly<{ members: number[]; mentor?: number }>;

export type MentoringInput = Readonly<{
  mentees: readonly number[];
  mentors: readonly number[];
  peers: readonly number[];
  size: number;
  /** How well a mentor's topics match a mentee's, 0 to 100. */
  affinity(mentee: number, mentor: number): number;
  history: MeetingHistory;
  random?: () => number;
}>;

const maxAffinity = 100;

/**
 * Mentoring: each mentee with one mentor, by a maximum-weight matching of mentees to mentors' places. Repeats weigh
 * most, then the topic match, then how recently they met, then spreading mentees evenly across mentors. Mentors left
 * without a mentee, and peers, are grouped as peers.
 */
export function formMentoringGroups(input: MentoringInput): MentoringGroup[] {
  const { mentees, mentors, history } = input;
  const random = input.random ?? seededRandom(1);
  if (mentors.length === 0 || mentees.length === 0) {
    const everyone = [...mentees, ...mentors, ...input.peers];
    return formGroups(everyone.length, input.size, pairCost(history, everyone), random).map((group) => ({
      members: group.map((i) => everyone[i]!),
    }));
  }
  const places = Math.max(input.size - 1, Math.ceil(mentees.length / mentors.length));
  const slotUnit = 1;
  const recencyUnit = (places + 1) * slotUnit;
  const affinityUnit = (recencyCap + 1) * recencyUnit;
  const repeatUnit = (maxAffinity + 1) * affinityUnit * (mentees.length + 1) + 1;
  const top = repeatUnit + maxAffinity * affinityUnit + recencyCap * recencyUnit + places + 1;
  const edges: WeightedEdge[] = [];
  mentees.forEach((mentee, e) => {
    mentors.forEach((mentor, m) => {
      const met = history.between(mentee, mentor);
      const repeated = met.count > 0 ? 1 : 0;
      const recency = Math.min(recencyCap, met.recency);
      const affinity = Math.max(0, Math.min(maxAffinity, Math.round(input.affinity(mentee, mentor))));
      for (let slot = 0; slot < places; slot++) {
        const weight = top - repeated * repeatUnit + affinity * affinityUnit - recency * recencyUnit - slot * slotUnit;
        edges.push([e, mentees.length + m * places + slot, weight]);
      }
    });
  });
  const mate = maxWeightMatching(mentees.length + mentors.length * places, edges, true);
  const taught = new Map<number, number[]>();
  mentees.forEach((mentee, e) => {
    const mentor = mentors[Math.floor((mate[e]! - mentees.length) / places)]!;
    taught.set(mentor, [...(taught.get(mentor) ?? []), mentee]);
  });
  const groups: MentoringGroup[] = [...taught].map(([mentor, assigned]) => ({ members: [mentor, ...assigned], mentor }));
  const pool = [...mentors.filter((mentor) => !taught.has(mentor)), ...input.peers];
  if (pool.length === 1) {
    // One left over joins the smallest mentoring group rather than waiting alone.
    const smallest = groups.reduce((chosen, group) => (group.members.length < chosen.members.length ? group : chosen));
    smallest.members.push(pool[0]!);
  } else {
    for (const group of formGroups(pool.length, input.size, pairCost(history, pool), random)) groups.push({ members: group.map((i) => pool[i]!) });
  }
  return groups;
}
