import type { ReplicaPlacement } from './replica-placement.js';

/** Above this many nodes, co-holding is not tracked (its matrices grow as N²). */
const MAX_SPREAD_NODES = 1024;

/**
 * Who holds partitions together with whom (internal to the replica placement), so that new
 * replicas spread the load a failure moves: `shared(p, n)` counts the partitions `n` already
 * shares with the holders of `p`, `promotions(o, n)` the partitions owned by `o` that `n`
 * replicates (its share of o's promotions when o fails).
 */
export class CoHolding {
  private readonly N: number;
  /** coHold[a·N + b]: partitions a and b both hold. */
  private readonly coHold: Int32Array;
  /** ownerRep[o·N + n]: partitions owned by o that n replicates. */
  private readonly ownerRep: Int32Array;

  private constructor(private readonly state: ReplicaPlacement) {
    this.N = state.N;
    this.coHold = new Int32Array(state.N * state.N);
    this.ownerRep = new Int32Array(state.N * state.N);
  }

  /** The co-holding of the replicas placed so far, or `undefined` for very large clusters. */
  static of(state: ReplicaPlacement): CoHolding | undefined {
    if (state.N > MAX_SPREAD_NODES) return undefined;
    const spread = new CoHolding(state);
    for (let p = 0; p < state.P; p++) spread.index(p);
    return spread;
  }

  /** Counts the pairs among the holders of `p`. */
  private index(p: number): void {
    const { N, coHold, ownerRep } = this;
    const { k, replicas } = this.state;
    const o = this.state.owners[p]!;
    for (let j = 0; j < k; j++) {
      const m = replicas[p * k + j]!;
      if (m < 0) continue;
      ownerRep[o * N + m]!++;
      coHold[o * N + m]!++;
      coHold[m * N + o]!++;
      for (let j2 = j + 1; j2 < k; j2++) {
        const m2 = replicas[p * k + j2]!;
        if (m2 < 0) continue;
        coHold[m * N + m2]!++;
        coHold[m2 * N + m]!++;
      }
    }
  }

  /** Records that `n` becomes a replica of `p` (call before it is put into the slot). */
  add(p: number, n: number): void {
    const { N, coHold, ownerRep } = this;
    const { k, replicas } = this.state;
    const o = this.state.owners[p]!;
    ownerRep[o * N + n]!++;
    if (o !== n) {
      coHold[o * N + n]!++;
      coHold[n * N + o]!++;
    }
    for (let j = 0; j < k; j++) {
      const m = replicas[p * k + j]!;
      if (m >= 0 && m !== n) {
        coHold[m * N + n]!++;
        coHold[n * N + m]!++;
      }
    }
  }

  /** Partitions `n` already shares with the holders of `p`. */
  shared(p: number, n: number): number {
    const N = this.N;
    const coHold = this.coHold;
    const { k, replicas } = this.state;
    let total = coHold[this.state.owners[p]! * N + n]!;
    for (let j = 0; j < k; j++) {
      const m = replicas[p * k + j]!;
      if (m >= 0) total += coHold[m * N + n]!;
    }
    return total;
  }

  /** Partitions owned by `o` that `n` replicates. */
  promotions(o: number, n: number): number {
    return this.ownerRep[o * this.N + n]!;
  }
}
