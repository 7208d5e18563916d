import { indexes, type PlacementInput } from './placement-input.js';

/**
 * Owners, phase by phase (internal; the algorithm is described in placement.ts): quotas, keep
 * what live owners may keep, match orphans onto their replicas, hand out the remaining ⌈P/N⌉
 * quotas, promote orphans no matching could place, then place what is left.
 */
export function placeOwners(input: PlacementInput): Int32Array {
  const state = new OwnerPlacement(input);
  state.keepOwnedUpToQuota();
  state.matchOrphans();
  state.grantUnusedFlex();
  state.promoteUnmatched();
  state.placeFree();
  return state.owners;
}

/** The state the owner phases share. Nodes and partitions are indexes. */
class OwnerPlacement {
  readonly N: number;
  readonly P: number;
  readonly zoneOf: Int32Array | undefined;
  readonly zoneCap: number;
  readonly oldOwners: Int32Array;
  readonly oldReplicas: readonly (readonly number[])[];
  /** Partitions each node owned before. */
  readonly owned: Int32Array;
  /** ⌊P/N⌋. */
  readonly base: number;
  /** ⌈P/N⌉ quotas not given to heavy owners: shared "flex" capacity. */
  readonly flexBudget: number;
  readonly quota: Int32Array;
  /** With zones: ⌈⌉ quotas each zone may still take. */
  readonly ceilLeft: Int32Array;
  /** Owner slots each node may still take within its quota. */
  readonly cap: Int32Array;
  /** Nodes that took a flex quota. */
  readonly flexed: Uint8Array;
  flexUsed = 0;
  /** The new owner per partition, −1 while unplaced. */
  readonly owners: Int32Array;
  /** Partitions each node keeps from before. */
  readonly ownedLists: number[][];
  /** Partitions to place in the last phase. */
  readonly free: number[] = [];
  /** Orphans each node was matched to (promotions). */
  readonly assigned: number[][];
  readonly visited: Int32Array;
  stamp = 0;
  hubVisited = 0;
  /** Orphans with surviving replicas that no matching could place. */
  readonly unmatched: number[] = [];

  constructor(input: PlacementInput) {
    const { N, P, zoneOf } = input;
    this.N = N;
    this.P = P;
    this.zoneOf = zoneOf;
    this.zoneCap = input.zoneCap;
    this.oldOwners = input.start.owners;
    this.oldReplicas = input.start.replicas;
    this.owned = new Int32Array(N);
    this.ownedLists = Array.from({ length: N }, () => []);
    for (let p = 0; p < P; p++) {
      const o = this.oldOwners[p]!;
      if (o < 0) continue;
      this.owned[o]!++;
      this.ownedLists[o]!.push(p);
    }
    this.base = Math.floor(P / N);
    this.quota = new Int32Array(N).fill(this.base);
    this.ceilLeft = new Int32Array(zoneOf === undefined ? 0 : N);
    this.flexBudget = this.assignCeilQuotas(P - this.base * N);
    this.cap = new Int32Array(N);
    for (let n = 0; n < N; n++) this.cap[n] = Math.max(0, this.quota[n]! - this.owned[n]!);
    this.flexed = new Uint8Array(N);
    this.owners = new Int32Array(P).fill(-1);
    this.assigned = Array.from({ length: N }, () => []);
    this.visited = new Int32Array(N);
  }

  /**
   * Quotas: ⌊P/N⌋, and the ⌈P/N⌉ ones first to nodes that own more than ⌊P/N⌋ (fewest moves).
   * Returns how many ⌈⌉ quotas are left as flex: they go to the nodes that need them to promote
   * orphaned partitions (decided by the matching), the rest afterwards.
   */
  private assignCeilQuotas(ceilQuotas: number): number {
    const { N, zoneOf, owned, base } = this;
    // With zones, each zone gets at most its share of the ⌈⌉ quotas: a zone that owned more
    // would need fewer replicas than balance allows, and could not keep its holders distinct.
    if (zoneOf !== undefined) {
      const size = new Int32Array(N);
      for (let n = 0; n < N; n++) size[zoneOf[n]!]!++;
      for (let z = 0; z < N; z++) this.ceilLeft[z] = Math.ceil((ceilQuotas * size[z]!) / N);
    }
    const heavy = indexes(N)
      .filter((n) => owned[n]! > base)
      .sort((a, b) => owned[b]! - owned[a]! || a - b);
    let left = ceilQuotas;
    for (const n of heavy) {
      if (left === 0) break;
      if (!this.hasCeil(n)) continue;
      this.moveCeil(-1, n);
      this.quota[n] = base + 1;
      left--;
    }
    return left;
  }

  private hasCeil(n: number): boolean {
    return this.zoneOf === undefined || this.ceilLeft[this.zoneOf[n]!]! > 0;
  }

  private moveCeil(from: number, to: number): void {
    const { zoneOf, ceilLeft } = this;
    if (zoneOf === undefined) return;
    if (from >= 0) ceilLeft[zoneOf[from]!]!++;
    if (to >= 0) ceilLeft[zoneOf[to]!]!--;
  }

  /** A node that may still take a flex quota: it owned at most ⌊P/N⌋ and has no ⌈⌉ quota. */
  private flexible(n: number): boolean {
    return this.owned[n]! <= this.base && this.quota[n] === this.base;
  }

  private promotable(p: number): boolean {
    return this.oldReplicas[p]!.some((m) => this.cap[m]! > 0);
  }

  /** Partitions ranked for giving away: those a node with room replicates first. */
  private rankedForRelease(list: readonly number[]): number[] {
    return [...list].sort(
      (a, b) => Number(this.promotable(b)) - Number(this.promotable(a)) || a - b,
    );
  }

  /**
   * Live owners keep their partitions up to their quota; over-quota owners give away the
   * partitions a node under quota already replicates first. Orphans with surviving replicas
   * wait for the matching; the others are free.
   */
  keepOwnedUpToQuota(): void {
    const { N, P, owners, ownedLists, free } = this;
    for (let n = 0; n < N; n++) {
      const list = ownedLists[n]!;
      const excess = list.length - this.quota[n]!;
      if (excess <= 0) {
        for (const p of list) owners[p] = n;
        continue;
      }
      const released = new Set(this.rankedForRelease(list).slice(0, excess));
      for (const p of list) {
        if (released.has(p)) free.push(p);
        else owners[p] = n;
      }
      ownedLists[n] = list.filter((p) => !released.has(p));
    }
    for (let p = 0; p < P; p++) {
      if (this.oldOwners[p]! < 0 && this.oldReplicas[p]!.length === 0) free.push(p);
    }
  }

  /** Orphans with surviving replicas must be promoted: maximum matching onto replicas with room. */
  matchOrphans(): void {
    for (let p = 0; p < this.P; p++) {
      if (this.oldOwners[p]! >= 0 || this.oldReplicas[p]!.length === 0) continue;
      this.stamp++;
      if (!this.augment(p)) this.unmatched.push(p);
    }
  }

  private take(m: number, p: number): true {
    this.assigned[m]!.push(p);
    this.owners[p] = m;
    return true;
  }

  /**
   * Augmenting-path matching (Kuhn) of orphan `p` onto its replicas. A replica has room when it
   * is under quota, or when it may take a flex quota (free, or freed by re-routing a node that
   * holds one).
   */
  private augment(p: number): boolean {
    const candidates = this.oldReplicas[p]!;
    return (
      this.takeReplicaWithRoom(p, candidates) ||
      this.takeFlexQuota(p, candidates) ||
      this.reroute(p, candidates)
    );
  }

  private takeReplicaWithRoom(p: number, candidates: readonly number[]): boolean {
    const { cap } = this;
    let best = -1;
    for (const m of candidates) if (cap[m]! > 0 && (best < 0 || cap[m]! > cap[best]!)) best = m;
    if (best < 0) return false;
    cap[best]!--;
    return this.take(best, p);
  }

  private takeFlexQuota(p: number, candidates: readonly number[]): boolean {
    if (this.flexUsed >= this.flexBudget) return false;
    for (const m of candidates) {
      if (this.flexible(m) && this.flexed[m] === 0 && this.hasCeil(m)) {
        this.moveCeil(-1, m);
        this.flexed[m] = 1;
        this.flexUsed++;
        return this.take(m, p);
      }
    }
    return false;
  }

  /** Frees room on a replica of `p` by moving one of its promotions or its flex quota on. */
  private reroute(p: number, candidates: readonly number[]): boolean {
    for (const m of candidates) {
      if (this.visited[m] === this.stamp) continue;
      this.visited[m] = this.stamp;
      if (this.movePromotionOn(p, m)) return true;
      if (this.flexible(m) && this.flexed[m] === 0 && this.hubVisited !== this.stamp) {
        this.hubVisited = this.stamp;
        if (this.moveFlexOn(p, m)) return true;
      }
    }
    return false;
  }

  /** One of `m`'s promotions moves elsewhere and `m` takes `p` in its place. */
  private movePromotionOn(p: number, m: number): boolean {
    const list = this.assigned[m]!;
    for (let i = 0; i < list.length; i++) {
      if (this.augment(list[i]!)) {
        list[i] = p;
        this.owners[p] = m;
        return true;
      }
    }
    return false;
  }

  /** A flexed node gives up a promotion (and its flex quota) so that `m` can take `p`. */
  private moveFlexOn(p: number, m: number): boolean {
    const { N, zoneOf, flexed, visited, stamp } = this;
    for (let m2 = 0; m2 < N; m2++) {
      if (flexed[m2] === 0 || visited[m2] === stamp) continue;
      if (zoneOf !== undefined && zoneOf[m2] !== zoneOf[m] && !this.hasCeil(m)) continue;
      visited[m2] = stamp;
      const list = this.assigned[m2]!;
      for (let i = 0; i < list.length; i++) {
        if (this.augment(list[i]!)) {
          list.splice(i, 1);
          this.moveCeil(m2, m);
          flexed[m2] = 0;
          flexed[m] = 1;
          return this.take(m, p);
        }
      }
    }
    return false;
  }

  /** Flex quotas nobody needed for a promotion: to nodes that own the most, then by index. */
  grantUnusedFlex(): void {
    const { owned, flexed } = this;
    const rest = indexes(this.N)
      .filter((n) => this.flexible(n) && flexed[n] === 0)
      .sort((a, b) => owned[b]! - owned[a]! || a - b);
    for (const strict of [true, false]) {
      for (const n of rest) {
        if (this.flexUsed === this.flexBudget) break;
        if (flexed[n] === 1 || (strict && !this.hasCeil(n))) continue;
        this.moveCeil(-1, n);
        flexed[n] = 1;
        this.flexUsed++;
        this.cap[n]!++;
      }
    }
  }

  /** Promote unmatched orphans anyway (the data must not be lost); the promoted node makes room. */
  promoteUnmatched(): void {
    const { owners, ownedLists, free } = this;
    for (const p of this.unmatched) {
      let best = -1;
      for (const m of this.oldReplicas[p]!) {
        if (best < 0 || ownedLists[m]!.length > ownedLists[best]!.length) best = m;
      }
      owners[p] = best;
      const list = ownedLists[best]!;
      // Give one of its kept partitions away (one more owner move, to a node with room); when
      // it kept nothing, hand one of its promotions on (its replicas keep the data).
      const give = list.length > 0 ? this.rankedForRelease(list)[0]! : this.assigned[best]!.pop();
      if (give === undefined) throw new Error('placement: no owner room left');
      if (list.length > 0) list.splice(list.indexOf(give), 1);
      owners[give] = -1;
      free.push(give);
    }
  }

  /**
   * Remaining partitions: a replica with room first (promotion), otherwise the node with the
   * most room, preferring one whose zone the partition's replicas do not already fill.
   */
  placeFree(): void {
    const { cap } = this;
    this.free.sort((a, b) => a - b);
    const zoneCount = new Int32Array(this.zoneOf === undefined ? 0 : this.N);
    for (const p of this.free) {
      let best = -1;
      for (const m of this.oldReplicas[p]!) {
        if (cap[m]! > 0 && (best < 0 || cap[m]! > cap[best]!)) best = m;
      }
      if (best < 0) best = this.nodeWithMostRoom(p, zoneCount);
      if (best < 0) throw new Error('placement: no owner room left');
      cap[best]!--;
      this.owners[p] = best;
    }
  }

  private nodeWithMostRoom(p: number, zoneCount: Int32Array): number {
    const { N, zoneOf, cap, zoneCap } = this;
    if (zoneOf !== undefined) for (const m of this.oldReplicas[p]!) zoneCount[zoneOf[m]!]!++;
    let best = -1;
    let bestZoneOk = false;
    for (let i = 0; i < N; i++) {
      // Start the scan after the partition's index so that ties spread round-robin.
      const n = (p + i) % N;
      if (cap[n]! <= 0) continue;
      const zoneOk = zoneOf === undefined || zoneCount[zoneOf[n]!]! < zoneCap;
      if (best < 0 || (zoneOk && !bestZoneOk) || (zoneOk === bestZoneOk && cap[n]! > cap[best]!)) {
        best = n;
        bestZoneOk = zoneOk;
      }
    }
    if (zoneOf !== undefined) for (const m of this.oldReplicas[p]!) zoneCount[zoneOf[m]!]!--;
    return best;
  }
}
