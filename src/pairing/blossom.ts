// Maximum-weight matching in a general graph: Edmonds' blossom algorithm with the primal-dual method, after Joris van
// Rantwijk's description (https://jorisvr.nl/article/maximum-matching) and Galil's survey (ACM Computing Surveys, 1986).
// O(n³) in the worst case; with integer weights every computation is exact.

/** An undirected edge between vertices `i` and `j` (0-based) with its weight. */
export type WeightedEdge = readonly [i: number, j: number, weight: number];

/**
 * The matching of largest total weight; with `maxCardinality`, the largest weight among those with the most edges.
 * Returns `mate`: mate[v] is v's partner, or -1.
 */
export function maxWeightMatching(vertexCount: number, edges: readonly WeightedEdge[], maxCardinality = false): Int32Array {
  return new BlossomMatcher(vertexCount, edges, maxCardinality).solve();
}

// Python-style index: -1 is the last element. Blossom child lists are walked in both directions.
function at<T>(list: readonly T[], index: number): T {
  return list[index < 0 ? list.length + index : index]!;
}

class BlossomMatcher {
  private readonly n: number;
  private readonly edgeCount: number;
  /** endpoint[p] is the vertex at end p of edge p >> 1. */
  private readonly endpoint: Int32Array;
  private readonly weight: Float64Array;
  /** The edge ends leaving each vertex: p such that endpoint[p ^ 1] is the vertex. */
  private readonly neighbourEnds: number[][];
  /** mate[v] is the remote end p of v's matched edge, or -1. */
  private readonly mate: Int32Array;
  /** 0 free, 1 S (outer), 2 T (inner); 5 marks a blossom on the path scanned in scanBlossom. */
  private readonly label: Int8Array;
  private readonly labelEnd: Int32Array;
  private readonly inBlossom: Int32Array;
  private readonly blossomParent: Int32Array;
  private readonly blossomChildren: (number[] | null)[];
  private readonly blossomBase: Int32Array;
  private readonly blossomEnds: (number[] | null)[];
  private readonly bestEdge: Int32Array;
  private readonly blossomBestEdges: (number[] | null)[];
  private readonly unusedBlossoms: number[];
  private readonly dual: Float64Array;
  private readonly allowEdge: Uint8Array;
  private queue: number[] = [];

  constructor(
    vertexCount: number,
    edges: readonly WeightedEdge[],
    private readonly maxCardinality: boolean,
  ) {
    const n = vertexCount;
    this.n = n;
    this.edgeCount = edges.length;
    this.endpoint = new Int32Array(2 * edges.length);
    this.weight = new Float64Array(edges.length);
    this.neighbourEnds = Array.from({ length: n }, () => []);
    let maxWeight = 0;
    edges.forEach(([i, j, w], k) => {
      if (i === j || i < 0 || j < 0 || i >= n || j >= n) throw new Error(`edge ${k} (${i}, ${j}) is not between two distinct vertices of ${n}`);
      this.endpoint[2 * k] = i;
      this.endpoint[2 * k + 1] = j;
      this.weight[k] = w;
      this.neighbourEnds[i]!.push(2 * k + 1);
      this.neighbourEnds[j]!.push(2 * k);
      if (w > maxWeight) maxWeight = w;
    });
    this.mate = new Int32Array(n).fill(-1);
    this.label = new Int8Array(2 * n);
    this.labelEnd = new Int32Array(2 * n).fill(-1);
    this.inBlossom = Int32Array.from({ length: n }, (_, v) => v);
    this.blossomParent = new Int32Array(2 * n).fill(-1);
    this.blossomChildren = new Array<number[] | null>(2 * n).fill(null);
    this.blossomBase = Int32Array.from({ length: 2 * n }, (_, b) => (b < n ? b : -1));
    this.blossomEnds = new Array<number[] | null>(2 * n).fill(null);
    this.bestEdge = new Int32Array(2 * n).fill(-1);
    this.blossomBestEdges = new Array<number[] | null>(2 * n).fill(null);
    this.unusedBlossoms = Array.from({ length: n }, (_, i) => n + i);
    this.dual = Float64Array.from({ length: 2 * n }, (_, b) => (b < n ? maxWeight : 0));
    this.allowEdge = new Uint8Array(edges.length);
  }

  private slack(k: number): number {
    return this.dual[this.endpoint[2 * k]!]! + this.dual[this.endpoint[2 * k + 1]!]! - 2 * this.weight[k]!;
  }

  private leaves(b: number, into: number[] = []): number[] {
    if (b < this.n) into.push(b);
    else for (const child of this.blossomChildren[b]!) this.leaves(child, into);
    return into;
  }

  private assignLabel(w: number, t: 1 | 2, p: number): void {
    const b = this.inBlossom[w]!;
    this.label[w] = this.label[b] = t;
    this.labelEnd[w] = this.labelEnd[b] = p;
    this.bestEdge[w] = this.bestEdge[b] = -1;
    if (t === 1) {
      this.queue.push(...this.leaves(b));
    } else {
      // An inner blossom's base is matched; its mate becomes outer.
      const base = this.blossomBase[b]!;
      const mateEnd = this.mate[base]!;
      this.assignLabel(this.endpoint[mateEnd]!, 1, mateEnd ^ 1);
    }
  }

  /** Walks back from v and w towards the roots; returns the base of a new blossom, or -1 for an augmenting path. */
  private scanBlossom(v: number, w: number): number {
    const path: number[] = [];
    let base = -1;
    while (v !== -1 || w !== -1) {
      let b = this.inBlossom[v]!;
      if (this.label[b]! & 4) {
        base = this.blossomBase[b]!;
        break;
      }
      path.push(b);
      this.label[b] = 5;
      if (this.labelEnd[b] === -1) {
        v = -1;
      } else {
        v = this.endpoint[this.labelEnd[b]!]!;
        b = this.inBlossom[v]!;
        v = this.endpoint[this.labelEnd[b]!]!;
      }
      if (w !== -1) [v, w] = [w, v];
    }
    for (const b of path) this.label[b] = 1;
    return base;
  }

  private addBlossom(base: number, k: number): void {
    let v = this.endpoint[2 * k]!;
    let w = this.endpoint[2 * k + 1]!;
    const bb = this.inBlossom[base]!;
    let bv = this.inBlossom[v]!;
    let bw = this.inBlossom[w]!;
    const b = this.unusedBlossoms.pop()!;
    this.blossomBase[b] = base;
    this.blossomParent[b] = -1;
    this.blossomParent[bb] = b;
    const path: number[] = [];
    const ends: number[] = [];
    while (bv !== bb) {
      this.blossomParent[bv] = b;
      path.push(bv);
      ends.push(this.labelEnd[bv]!);
      v = this.endpoint[this.labelEnd[bv]!]!;
      bv = this.inBlossom[v]!;
    }
    path.push(bb);
    path.reverse();
    ends.reverse();
    ends.push(2 * k);
    while (bw !== bb) {
      this.blossomParent[bw] = b;
      path.push(bw);
      ends.push(this.labelEnd[bw]! ^ 1);
      w = this.endpoint[this.labelEnd[bw]!]!;
      bw = this.inBlossom[w]!;
    }
    this.blossomChildren[b] = path;
    this.blossomEnds[b] = ends;
    this.label[b] = 1;
    this.labelEnd[b] = this.labelEnd[bb]!;
    this.dual[b] = 0;
    for (const leaf of this.leaves(b)) {
      if (this.label[this.inBlossom[leaf]!] === 2) this.queue.push(leaf);
      this.inBlossom[leaf] = b;
    }
    // The least-slack edge from the new blossom to each neighbouring outer blossom.
    const bestTo = new Map<number, number>();
    for (const child of path) {
      const lists = this.blossomBestEdges[child]
        ? [this.blossomBestEdges[child]]
        : this.leaves(child).map((leaf) => this.neighbourEnds[leaf]!.map((p) => p >> 1));
      for (const list of lists) {
        for (const edge of list) {
          let i = this.endpoint[2 * edge]!;
          let j = this.endpoint[2 * edge + 1]!;
          if (this.inBlossom[j] === b) [i, j] = [j, i];
          const bj = this.inBlossom[j]!;
          if (bj !== b && this.label[bj] === 1) {
            const known = bestTo.get(bj);
            if (known === undefined || this.slack(edge) < this.slack(known)) bestTo.set(bj, edge);
          }
        }
      }
      this.blossomBestEdges[child] = null;
      this.bestEdge[child] = -1;
    }
    const best = [...bestTo.values()];
    this.blossomBestEdges[b] = best;
    this.bestEdge[b] = -1;
    for (const edge of best) {
      if (this.bestEdge[b] === -1 || this.slack(edge) < this.slack(this.bestEdge[b])) this.bestEdge[b] = edge;
    }
  }

  private expandBlossom(b: number, endStage: boolean): void {
    const children = this.blossomChildren[b]!;
    const ends = this.blossomEnds[b]!;
    for (const s of children) {
      this.blossomParent[s] = -1;
      if (s < this.n) this.inBlossom[s] = s;
      else if (endStage && this.dual[s] === 0) this.expandBlossom(s, endStage);
      else for (const leaf of this.leaves(s)) this.inBlossom[leaf] = s;
    }
    if (!endStage && this.label[b] === 2) {
      // The inner blossom is expanded in the middle of a stage: relabel the sub-blossoms on the path through it.
      const entryChild = this.inBlossom[this.endpoint[this.labelEnd[b]! ^ 1]!]!;
      let j = children.indexOf(entryChild);
      let step: number;
      let trick: number;
      if (j & 1) {
        j -= children.length;
        step = 1;
        trick = 0;
      } else {
        step = -1;
        trick = 1;
      }
      let p = this.labelEnd[b]!;
      while (j !== 0) {
        this.label[this.endpoint[p ^ 1]!] = 0;
        this.label[this.endpoint[at(ends, j - trick) ^ trick ^ 1]!] = 0;
        this.assignLabel(this.endpoint[p ^ 1]!, 2, p);
        this.allowEdge[at(ends, j - trick) >> 1] = 1;
        j += step;
        p = at(ends, j - trick) ^ trick;
        this.allowEdge[p >> 1] = 1;
        j += step;
      }
      const bv = at(children, j);
      this.label[this.endpoint[p ^ 1]!] = this.label[bv] = 2;
      this.labelEnd[this.endpoint[p ^ 1]!] = this.labelEnd[bv] = p;
      this.bestEdge[bv] = -1;
      j += step;
      while (at(children, j) !== entryChild) {
        const child = at(children, j);
        if (this.label[child] === 1) {
          j += step;
          continue;
        }
        const reached = this.leaves(child).find((leaf) => this.label[leaf] !== 0);
        if (reached !== undefined) {
          this.label[reached] = 0;
          this.label[this.endpoint[this.mate[this.blossomBase[child]!]!]!] = 0;
          this.assignLabel(reached, 2, this.labelEnd[reached]!);
        }
        j += step;
      }
    }
    this.label[b] = -1;
    this.labelEnd[b] = -1;
    this.blossomChildren[b] = null;
    this.blossomEnds[b] = null;
    this.blossomBase[b] = -1;
    this.blossomBestEdges[b] = null;
    this.bestEdge[b] = -1;
    this.unusedBlossoms.push(b);
  }

  /** Swaps matched and unmatched edges along the alternating path through blossom b from vertex v to its base. */
  private augmentBlossom(b: number, v: number): void {
    let t = v;
    while (this.blossomParent[t] !== b) t = this.blossomParent[t]!;
    if (t >= this.n) this.augmentBlossom(t, v);
    const children = this.blossomChildren[b]!;
    const ends = this.blossomEnds[b]!;
    const i = children.indexOf(t);
    let j = i;
    let step: number;
    let trick: number;
    if (i & 1) {
      j -= children.length;
      step = 1;
      trick = 0;
    } else {
      step = -1;
      trick = 1;
    }
    while (j !== 0) {
      j += step;
      t = at(children, j);
      const p = at(ends, j - trick) ^ trick;
      if (t >= this.n) this.augmentBlossom(t, this.endpoint[p]!);
      j += step;
      t = at(children, j);
      if (t >= this.n) this.augmentBlossom(t, this.endpoint[p ^ 1]!);
      this.mate[this.endpoint[p]!] = p ^ 1;
      this.mate[this.endpoint[p ^ 1]!] = p;
    }
    this.blossomChildren[b] = [...children.slice(i), ...children.slice(0, i)];
    this.blossomEnds[b] = [...ends.slice(i), ...ends.slice(0, i)];
    this.blossomBase[b] = this.blossomBase[this.blossomChildren[b][0]!]!;
  }

  private augmentMatching(k: number): void {
    const starts: [number, number][] = [
      [this.endpoint[2 * k]!, 2 * k + 1],
      [this.endpoint[2 * k + 1]!, 2 * k],
    ];
    for (const [start, firstEnd] of starts) {
      let s = start;
      let p = firstEnd;
      for (;;) {
        const bs = this.inBlossom[s]!;
        if (bs >= this.n) this.augmentBlossom(bs, s);
        this.mate[s] = p;
        if (this.labelEnd[bs] === -1) break;
        const t = this.endpoint[this.labelEnd[bs]!]!;
        const bt = this.inBlossom[t]!;
        s = this.endpoint[this.labelEnd[bt]!]!;
        const j = this.endpoint[this.labelEnd[bt]! ^ 1]!;
        if (bt >= this.n) this.augmentBlossom(bt, j);
        this.mate[j] = this.labelEnd[bt]!;
        p = this.labelEnd[bt]! ^ 1;
      }
    }
  }

  private minVertexDual(): number {
    let min = Infinity;
    for (let v = 0; v < this.n; v++) if (this.dual[v]! < min) min = this.dual[v]!;
    return min;
  }

  /**
   * A head start: with every vertex dual at the largest weight, the heaviest edges are tight, and any matching of
   * tight edges keeps the primal-dual invariants. Later stages then only augment from the vertices left single.
   */
  private matchTightEdgesGreedily(): void {
    for (let k = 0; k < this.edgeCount; k++) {
      const i = this.endpoint[2 * k]!;
      const j = this.endpoint[2 * k + 1]!;
      if (this.mate[i] === -1 && this.mate[j] === -1 && this.slack(k) === 0) {
        this.mate[i] = 2 * k + 1;
        this.mate[j] = 2 * k;
      }
    }
  }

  solve(): Int32Array {
    const n = this.n;
    const result = new Int32Array(n).fill(-1);
    if (this.edgeCount === 0) return result;
    this.matchTightEdgesGreedily();
    // Each stage augments the matching by one edge, or proves that no augmenting path remains.
    for (let stage = 0; stage < n; stage++) {
      this.label.fill(0);
      this.bestEdge.fill(-1);
      this.blossomBestEdges.fill(null, n);
      this.allowEdge.fill(0);
      this.queue = [];
      for (let v = 0; v < n; v++) {
        if (this.mate[v] === -1 && this.label[this.inBlossom[v]!] === 0) this.assignLabel(v, 1, -1);
      }
      let augmented = false;
      for (;;) {
        while (this.queue.length > 0 && !augmented) {
          const v = this.queue.pop()!;
          for (const p of this.neighbourEnds[v]!) {
            const k = p >> 1;
            const w = this.endpoint[p]!;
            if (this.inBlossom[v] === this.inBlossom[w]) continue;
            let kSlack = 0;
            if (!this.allowEdge[k]) {
              kSlack = this.slack(k);
              if (kSlack <= 0) this.allowEdge[k] = 1;
            }
            if (this.allowEdge[k]) {
              if (this.label[this.inBlossom[w]!] === 0) {
                this.assignLabel(w, 2, p ^ 1);
              } else if (this.label[this.inBlossom[w]!] === 1) {
                const base = this.scanBlossom(v, w);
                if (base >= 0) {
                  this.addBlossom(base, k);
                } else {
                  this.augmentMatching(k);
                  augmented = true;
                  break;
                }
              } else if (this.label[w] === 0) {
                this.label[w] = 2;
                this.labelEnd[w] = p ^ 1;
              }
            } else if (this.label[this.inBlossom[w]!] === 1) {
              const b = this.inBlossom[v]!;
              if (this.bestEdge[b] === -1 || kSlack < this.slack(this.bestEdge[b]!)) this.bestEdge[b] = k;
            } else if (this.label[w] === 0) {
              if (this.bestEdge[w] === -1 || kSlack < this.slack(this.bestEdge[w]!)) this.bestEdge[w] = k;
            }
          }
        }
        if (augmented) break;

        // No augmenting path with tight edges: change the duals by the largest delta that keeps them feasible.
        let deltaType = -1;
        let delta = 0;
        let deltaEdge = -1;
        let deltaBlossom = -1;
        if (!this.maxCardinality) {
          deltaType = 1;
          delta = this.minVertexDual();
        }
        for (let v = 0; v < n; v++) {
          if (this.label[this.inBlossom[v]!] === 0 && this.bestEdge[v] !== -1) {
            const d = this.slack(this.bestEdge[v]!);
            if (deltaType === -1 || d < delta) [delta, deltaType, deltaEdge] = [d, 2, this.bestEdge[v]!];
          }
        }
        for (let b = 0; b < 2 * n; b++) {
          if (this.blossomParent[b] === -1 && this.label[b] === 1 && this.bestEdge[b] !== -1) {
            const d = this.slack(this.bestEdge[b]!) / 2;
            if (deltaType === -1 || d < delta) [delta, deltaType, deltaEdge] = [d, 3, this.bestEdge[b]!];
          }
        }
        for (let b = n; b < 2 * n; b++) {
          if (this.blossomBase[b]! >= 0 && this.blossomParent[b] === -1 && this.label[b] === 2 && (deltaType === -1 || this.dual[b]! < delta)) {
            [delta, deltaType, deltaBlossom] = [this.dual[b]!, 4, b];
          }
        }
        if (deltaType === -1) {
          // Only with maxCardinality: no further improvement is possible.
          deltaType = 1;
          delta = Math.max(0, this.minVertexDual());
        }
        for (let v = 0; v < n; v++) {
          const l = this.label[this.inBlossom[v]!];
          if (l === 1) this.dual[v]! -= delta;
          else if (l === 2) this.dual[v]! += delta;
        }
        for (let b = n; b < 2 * n; b++) {
          if (this.blossomBase[b]! >= 0 && this.blossomParent[b] === -1) {
            if (this.label[b] === 1) this.dual[b]! += delta;
            else if (this.label[b] === 2) this.dual[b]! -= delta;
          }
        }
        if (deltaType === 1) break;
        if (deltaType === 2) {
          this.allowEdge[deltaEdge] = 1;
          let i = this.endpoint[2 * deltaEdge]!;
          const j = this.endpoint[2 * deltaEdge + 1]!;
          if (this.label[this.inBlossom[i]!] === 0) i = j;
          this.queue.push(i);
        } else if (deltaType === 3) {
          this.allowEdge[deltaEdge] = 1;
          this.queue.push(this.endpoint[2 * deltaEdge]!);
        } else {
          this.expandBlossom(deltaBlossom, false);
        }
      }
      if (!augmented) break;
      for (let b = n; b < 2 * n; b++) {
        if (this.blossomParent[b] === -1 && this.blossomBase[b]! >= 0 && this.label[b] === 1 && this.dual[b] === 0) this.expandBlossom(b, true);
      }
    }
    for (let v = 0; v < n; v++) if (this.mate[v]! >= 0) result[v] = this.endpoint[this.mate[v]!]!;
    return result;
  }
}
