import { CoHolding } from './co-holding.js';
import { leavePartners } from './leave-partners.js';
import { indexes, type PlacementInput } from './placement-input.js';
import { augmentReplica } from './replica-augmenting.js';
import { repairZones } from './zone-repair.js';

/**
 * Replicas, phase by phase (internal; the algorithm is described in placement.ts): keep the
 * valid replicas, set quotas, give a fresh layout its leave partners, release what over-quota
 * nodes hold in excess, fill the empty slots greedily, fill what is left by augmenting paths,
 * and swap replicas where a zone limit is still exceeded.
 */
export function placeReplicas(input: PlacementInput, owners: Int32Array): Int32Array {
  const state = new ReplicaPlacement(input, owners);
  if (input.k === 0) return state.replicas;
  state.keepValidReplicas();
  state.assignQuotas();
  state.indexZoneUse();
  state.placeLeavePartners();
  state.releaseExcess();
  const stuck = state.fillGreedily();
  // Slots no node with room can take: shortest augmenting path. Moving a slot filled in this
  // pass costs nothing extra, moving a kept one costs one move: search paths through filled
  // slots first, and respect zones before saving a move.
  for (const slot of stuck) {
    if (
      !augmentReplica(state, slot, true, true) &&
      !augmentReplica(state, slot, true, false) &&
      !augmentReplica(state, slot, false, true) &&
      !augmentReplica(state, slot, false, false)
    ) {
      throw new Error('placement: replica slots cannot be filled');
    }
  }
  repairZones(state);
  return state.replicas;
}

/** The state the replica phases share. Nodes and partitions are indexes. */
export class ReplicaPlacement {
  readonly N: number;
  readonly P: number;
  readonly k: number;
  readonly zoneOf: Int32Array | undefined;
  readonly numZones: number;
  readonly zoneCap: number;
  readonly input: PlacementInput;
  readonly owners: Int32Array;
  /** Replica per slot: partition p has the slots `p·k … p·k + k − 1`; −1 is an empty slot. */
  readonly replicas: Int32Array;
  /** Replica slots each node holds. */
  readonly count: Int32Array;
  /** Partitions each node owns (in the new table). */
  readonly owned: Int32Array;
  quota: Int32Array;
  /** With zones: holders of partition p in zone z at `p·numZones + z`. */
  zoneUse: Int32Array | undefined;
  /** Slots filled by this placement (moving them again costs nothing extra). */
  readonly filled: Uint8Array;

  constructor(input: PlacementInput, owners: Int32Array) {
    const { N, P, k } = input;
    this.N = N;
    this.P = P;
    this.k = k;
    this.zoneOf = input.zoneOf;
    this.numZones = input.numZones;
    this.zoneCap = input.zoneCap;
    this.input = input;
    this.owners = owners;
    this.replicas = new Int32Array(P * k).fill(-1);
    this.count = new Int32Array(N);
    this.owned = new Int32Array(N);
    for (let p = 0; p < P; p++) this.owned[owners[p]!]!++;
    this.quota = new Int32Array(N);
    this.filled = new Uint8Array(P * k);
  }

  /** Whether node `n` owns or replicates partition `p`. */
  holds(p: number, n: number): boolean {
    if (this.owners[p] === n) return true;
    const { k, replicas } = this;
    for (let j = 0; j < k; j++) if (replicas[p * k + j] === n) return true;
    return false;
  }

  /** Whether `n` may join the holders of `p` within the zone limit. */
  zoneOk(p: number, n: number): boolean {
    const { zoneUse, zoneOf } = this;
    return (
      zoneUse === undefined ||
      zoneOf === undefined ||
      zoneUse[p * this.numZones + zoneOf[n]!]! < this.zoneCap
    );
  }

  /** Replica slots `n` may still take. */
  deficit(n: number): number {
    return this.quota[n]! - this.count[n]!;
  }

  /** Puts `n` (or −1, empty) into slot `j` of partition `p`, keeping the counts. */
  setSlot(p: number, j: number, n: number): void {
    const { k, replicas, count, zoneUse, zoneOf, numZones } = this;
    const old = replicas[p * k + j]!;
    if (old >= 0) {
      count[old]!--;
      if (zoneUse !== undefined && zoneOf !== undefined) zoneUse[p * numZones + zoneOf[old]!]!--;
    }
    replicas[p * k + j] = n;
    if (n >= 0) {
      count[n]!++;
      if (zoneUse !== undefined && zoneOf !== undefined) zoneUse[p * numZones + zoneOf[n]!]!++;
    }
  }

  /**
   * Keep every still-valid replica (up to k per partition). With zones, a replica that would
   * put more holders than the zone cap in one zone is not kept (zones before movement).
   */
  keepValidReplicas(): void {
    const { P, k, zoneOf, owners, replicas, count, zoneCap } = this;
    const oldReplicas = this.input.start.replicas;
    const keptZones = zoneOf === undefined ? undefined : new Int32Array(this.numZones);
    for (let p = 0; p < P; p++) {
      let slot = 0;
      if (keptZones !== undefined && zoneOf !== undefined) {
        keptZones.fill(0);
        keptZones[zoneOf[owners[p]!]!]!++;
      }
      for (const m of oldReplicas[p]!) {
        if (slot === k) break;
        if (m === owners[p]) continue;
        if (keptZones !== undefined && zoneOf !== undefined) {
          if (keptZones[zoneOf[m]!]! >= zoneCap) continue;
          keptZones[zoneOf[m]!]!++;
        }
        replicas[p * k + slot++] = m;
        count[m]!++;
      }
    }
  }

  /**
   * Quotas: the ⌈⌉ ones to nodes that keep the most (less movement), then to nodes that own
   * fewer partitions (total load stays even). A node may hold at most P partitions in total,
   * so it may take the extra replica only if owned + ⌊R/N⌋ + 1 ≤ P.
   */
  assignQuotas(): void {
    const { N, P, k, zoneOf, count, owned } = this;
    const base = Math.floor((P * k) / N);
    const order = indexes(N).sort(
      (a, b) => count[b]! - count[a]! || owned[a]! - owned[b]! || a - b,
    );
    // With zones, a zone holds at most zoneCap × P partitions in total; the extra replicas go
    // to zones that still have room, so that the zone limit can be met everywhere.
    const zoneRoom =
      zoneOf === undefined ? undefined : new Array<number>(this.numZones).fill(this.zoneCap * P);
    if (zoneRoom !== undefined && zoneOf !== undefined) {
      for (let n = 0; n < N; n++) zoneRoom[zoneOf[n]!]! -= owned[n]! + base;
    }
    const mayHoldExtra = (n: number): boolean => owned[n]! + base + 1 <= P;
    this.quota = quotas(N, P * k, order, mayHoldExtra, (n) => {
      if (zoneRoom === undefined || zoneOf === undefined) return true;
      if (zoneRoom[zoneOf[n]!]! <= 0) return false;
      zoneRoom[zoneOf[n]!]!--;
      return true;
    });
  }

  /** Per-partition zone usage of the owners and kept replicas. */
  indexZoneUse(): void {
    const { P, k, zoneOf, numZones, owners, replicas } = this;
    if (zoneOf === undefined) return;
    const zoneUse = new Int32Array(P * numZones);
    for (let p = 0; p < P; p++) {
      zoneUse[p * numZones + zoneOf[owners[p]!]!]!++;
      for (let j = 0; j < k; j++) {
        const m = replicas[p * k + j]!;
        if (m >= 0) zoneUse[p * numZones + zoneOf[m]!]!++;
      }
    }
    this.zoneUse = zoneUse;
  }

  /**
   * A fresh layout (nothing kept) starts with one leave partner per partition (see
   * leave-partners.ts). Zones take precedence: with zones, replicas follow the zone rules only.
   */
  placeLeavePartners(): void {
    if (this.zoneOf !== undefined || !isFresh(this.input)) return;
    const partnerOf = leavePartners(this.N, this.owners, this.quota);
    for (let p = 0; p < this.P; p++) {
      const n = partnerOf[p]!;
      if (n >= 0) this.setSlot(p, 0, n);
    }
  }

  /**
   * Over-quota nodes give up the slots that nodes under quota can take over most easily: in
   * partitions with the most room (nodes under quota that could enter, minus holes made).
   */
  releaseExcess(): void {
    const { N, k, replicas, count, quota } = this;
    const slotsOf: number[][] = Array.from({ length: N }, () => []);
    for (let i = 0; i < replicas.length; i++) {
      const m = replicas[i]!;
      if (m >= 0) slotsOf[m]!.push(i);
    }
    for (let n = 0; n < N; n++) {
      const excess = count[n]! - quota[n]!;
      if (excess <= 0) continue;
      const ranked = slotsOf[n]!.map((i) => ({ i, room: this.room(Math.floor(i / k)) }));
      ranked.sort((a, b) => b.room - a.room || a.i - b.i);
      for (let e = 0; e < excess; e++) {
        const i = ranked[e]!.i;
        this.setSlot(Math.floor(i / k), i % k, -1);
      }
    }
  }

  private room(p: number): number {
    const { N, k, replicas } = this;
    let fits = 0;
    for (let n = 0; n < N; n++)
      if (this.deficit(n) > 0 && !this.holds(p, n) && this.zoneOk(p, n)) fits++;
    for (let j = 0; j < k; j++) if (replicas[p * k + j]! < 0) fits--;
    return fits;
  }

  /**
   * Fills the empty slots greedily (see {@link Candidate} for the preference) and returns the
   * slots no node with room fits, left to the augmenting search.
   */
  fillGreedily(): number[] {
    const { P, k, replicas } = this;
    const spread = CoHolding.of(this);
    const stuck: number[] = [];
    const best = new Candidate();
    const next = new Candidate();
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < k; j++) {
        if (replicas[p * k + j]! >= 0) continue;
        this.bestCandidate(p, spread, best, next);
        // No node with room fits (or none in a free zone): leave it to the augmenting search.
        if (best.node < 0 || (this.zoneOf !== undefined && !best.zone)) {
          stuck.push(p * k + j);
          continue;
        }
        spread?.add(p, best.node);
        this.setSlot(p, j, best.node);
        this.filled[p * k + j] = 1;
      }
    }
    return stuck;
  }

  /** The best node with room for a slot of `p`, scanning from the owner on; into `best`. */
  private bestCandidate(
    p: number,
    spread: CoHolding | undefined,
    best: Candidate,
    next: Candidate,
  ): void {
    const { N, owners } = this;
    const start = this.input.start;
    const o = owners[p]!;
    best.node = -1;
    for (let i = 1; i <= N; i++) {
      const n = (o + i) % N;
      const room = this.deficit(n);
      if (room <= 0 || this.holds(p, n)) continue;
      next.node = n;
      next.room = room;
      next.zone = this.zoneOk(p, n);
      next.data = start.owners[p] === n || start.replicas[p]!.includes(n);
      next.promotions = spread === undefined ? 0 : spread.promotions(o, n);
      next.shared = spread === undefined ? 0 : spread.shared(p, n);
      if (next.isBetterThan(best)) best.copy(next);
    }
  }
}

/**
 * A node that could fill a replica slot. Preference: a zone the partition does not use yet, a
 * node that held the partition before (no data to copy), a node that replicates few partitions
 * of this owner yet (when the owner fails, its partitions are promoted on every node evenly), a
 * node that shares few partitions with the partition's other holders (its load is picked up by
 * all others), the node with the most room, and finally the next node after the owner.
 */
class Candidate {
  node = -1;
  zone = false;
  data = false;
  promotions = 0;
  shared = 0;
  room = 0;

  isBetterThan(other: Candidate): boolean {
    if (other.node < 0) return true;
    if (this.zone !== other.zone) return this.zone;
    if (this.data !== other.data) return this.data;
    if (this.promotions !== other.promotions) return this.promotions < other.promotions;
    if (this.shared !== other.shared) return this.shared < other.shared;
    return this.room > other.room;
  }

  copy(from: Candidate): void {
    this.node = from.node;
    this.zone = from.zone;
    this.data = from.data;
    this.promotions = from.promotions;
    this.shared = from.shared;
    this.room = from.room;
  }
}

/**
 * Quotas ⌊total/N⌋ or ⌈total/N⌉, the ⌈⌉ ones to the first nodes of `order` that may hold one
 * more (`mayHoldExtra`, a hard limit) and whose zone has room for it (`zoneHasRoom`, which
 * reserves that room when it answers `true`).
 */
function quotas(
  N: number,
  total: number,
  order: readonly number[],
  mayHoldExtra: (node: number) => boolean,
  zoneHasRoom: (node: number) => boolean,
): Int32Array {
  const base = Math.floor(total / N);
  const quota = new Int32Array(N).fill(base);
  let extra = total - base * N;
  extra = giveExtra(quota, base, extra, order, (n) => mayHoldExtra(n) && zoneHasRoom(n));
  // Reached only when zone limits leave too few candidates (zones of unequal sizes): balance
  // wins over zones, but a node never gets more than it can hold.
  extra = giveExtra(quota, base, extra, order, mayHoldExtra);
  giveExtra(quota, base, extra, order, () => true);
  return quota;
}

/** Raises the quota of the first `extra` nodes of `order` still at `base` that `may`; the rest. */
function giveExtra(
  quota: Int32Array,
  base: number,
  extra: number,
  order: readonly number[],
  may: (node: number) => boolean,
): number {
  let left = extra;
  for (const node of order) {
    if (left === 0) break;
    if (quota[node] !== base || !may(node)) continue;
    quota[node] = base + 1;
    left--;
  }
  return left;
}

/** Nothing to keep: no partition has an owner or a replica yet. */
function isFresh(input: PlacementInput): boolean {
  const { owners, replicas } = input.start;
  return owners.every((o) => o < 0) && replicas.every((r) => r.length === 0);
}
