import { leavePartners } from './leave-partners.js';

/**
 * The placement engine behind `assignPartitions` and `rebalance` (internal, not exported from the
 * package). It works on node indexes (positions in the sorted node list) and typed arrays.
 *
 * Shape of the algorithm:
 *
 * 1. Owners. Each node's owner quota is ⌊P/N⌋ or ⌈P/N⌉; the ⌈⌉ quotas go first to the nodes
 *    that already own more than ⌊P/N⌋, so the fewest owner slots have to move. A live owner
 *    keeps its partitions up to its quota. Partitions whose owner is gone are matched to one of
 *    their surviving replicas (a promotion: no data moves) by an augmenting-path matching in
 *    which the remaining ⌈⌉ quotas are shared "flex" capacity; only an orphan that no matching
 *    can place costs one extra move (a replica is promoted anyway and gives one of its other
 *    partitions away). This is the minimum number of owner moves under the promotion rule.
 *    Surplus partitions of over-quota owners go preferably to a node that replicates them.
 * 2. Replicas. Each node's replica quota is ⌊R/N⌋ or ⌈R/N⌉ with R = P·(RF−1). A fresh layout
 *    first gives every partition a leave partner (leave-partners.ts), so that any one node can
 *    later leave moving only what it held. Every replica that is still valid (live, not the new
 *    owner, within the zone limit) is kept up to its node's quota; the freed and missing slots
 *    are filled by nodes under quota that do not hold the partition yet, preferring a free zone,
 *    a node that had the data, and spread co-holding. Where no such node is left, a shortest augmenting path shifts replicas to make room,
 *    through slots filled in this pass first (no extra move). A last pass swaps replicas
 *    between partitions to fix any zone limit still exceeded.
 */

/** The state a placement starts from: the old owner and replicas of each partition as indexes. */
export interface PlacementStart {
  /** Old owner per partition, −1 when it is gone or the partition was unassigned. */
  readonly owners: Int32Array;
  /** Old surviving replicas per partition (distinct, not the old owner). */
  readonly replicas: readonly (readonly number[])[];
}

/** Result: owner per partition and `replicationFactor − 1` replicas per partition, flattened. */
export interface Placement {
  readonly owners: Int32Array;
  readonly replicas: Int32Array;
  readonly replicasPerPartition: number;
}

/**
 * Places `numPartitions` partitions on `numNodes` nodes with `replicationFactor` holders each
 * (already capped at the node count). `zoneOf` maps a node index to a zone index.
 */
export function place(
  numNodes: number,
  numPartitions: number,
  replicationFactor: number,
  zoneOf: Int32Array | undefined,
  start: PlacementStart,
): Placement {
  const N = numNodes;
  const P = numPartitions;
  const k = replicationFactor - 1;
  const numZones = zoneOf === undefined ? N : countDistinct(zoneOf);
  // Most holders of one partition that may share a zone.
  const zoneCap = Math.ceil(replicationFactor / Math.max(1, numZones));
  const owners = placeOwners(N, P, zoneOf, zoneCap, start);
  const replicas = placeReplicas(N, P, k, zoneOf, numZones, zoneCap, start, owners);
  return { owners, replicas, replicasPerPartition: k };
}

function countDistinct(values: Int32Array): number {
  return new Set(values).size;
}

/** Quotas ⌊total/N⌋ or ⌈total/N⌉, the ⌈⌉ ones to the first nodes of `order` that may take them. */
function quotas(
  N: number,
  total: number,
  order: readonly number[],
  mayTakeExtra: (node: number) => boolean,
): Int32Array {
  const base = Math.floor(total / N);
  let extra = total - base * N;
  const quota = new Int32Array(N).fill(base);
  for (const node of order) {
    if (extra === 0) break;
    if (!mayTakeExtra(node)) continue;
    quota[node] = base + 1;
    extra--;
  }
  // Reached only when zone limits leave too few candidates (zones of unequal sizes): balance
  // wins over zones.
  for (const node of order) {
    if (extra === 0) break;
    if (quota[node] === base) {
      quota[node] = base + 1;
      extra--;
    }
  }
  return quota;
}

function placeOwners(
  N: number,
  P: number,
  zoneOf: Int32Array | undefined,
  zoneCap: number,
  start: PlacementStart,
): Int32Array {
  const oldOwners = start.owners;
  const oldReplicas = start.replicas;
  const owned = new Int32Array(N);
  for (let p = 0; p < P; p++) {
    const o = oldOwners[p]!;
    if (o >= 0) owned[o]!++;
  }
  // Quotas: ⌊P/N⌋, and the ⌈P/N⌉ ones first to nodes that own more than ⌊P/N⌋ (fewest moves).
  // Whatever ⌈⌉ quotas are left are "flex": they go to the nodes that need them to promote
  // orphaned partitions (decided by the matching below), the rest afterwards.
  const base = Math.floor(P / N);
  let flexBudget = P - base * N;
  const quota = new Int32Array(N).fill(base);
  // With zones, each zone gets at most its share of the ⌈⌉ quotas: a zone that owned more
  // would need fewer replicas than balance allows, and could not keep its holders distinct.
  const ceilLeft = new Int32Array(zoneOf === undefined ? 0 : N);
  if (zoneOf !== undefined) {
    const size = new Int32Array(N);
    for (let n = 0; n < N; n++) size[zoneOf[n]!]!++;
    for (let z = 0; z < N; z++) ceilLeft[z] = Math.ceil((flexBudget * size[z]!) / N);
  }
  const hasCeil = (n: number): boolean => zoneOf === undefined || ceilLeft[zoneOf[n]!]! > 0;
  const moveCeil = (from: number, to: number): void => {
    if (zoneOf === undefined) return;
    if (from >= 0) ceilLeft[zoneOf[from]!]!++;
    if (to >= 0) ceilLeft[zoneOf[to]!]!--;
  };
  const heavy = range(N)
    .filter((n) => owned[n]! > base)
    .sort((a, b) => owned[b]! - owned[a]! || a - b);
  for (const n of heavy) {
    if (flexBudget === 0) break;
    if (!hasCeil(n)) continue;
    moveCeil(-1, n);
    quota[n] = base + 1;
    flexBudget--;
  }
  const cap = new Int32Array(N);
  for (let n = 0; n < N; n++) cap[n] = Math.max(0, quota[n]! - owned[n]!);
  const flexible = (n: number): boolean => owned[n]! <= base && quota[n] === base;
  const flexed = new Uint8Array(N);
  let flexUsed = 0;

  const owners = new Int32Array(P).fill(-1);
  const ownedLists: number[][] = Array.from({ length: N }, () => []);
  for (let p = 0; p < P; p++) {
    const o = oldOwners[p]!;
    if (o >= 0) ownedLists[o]!.push(p);
  }
  const promotable = (p: number): boolean => oldReplicas[p]!.some((m) => cap[m]! > 0);
  const free: number[] = [];
  // Over-quota owners give away partitions a node under quota already replicates first.
  for (let n = 0; n < N; n++) {
    const list = ownedLists[n]!;
    const excess = list.length - quota[n]!;
    if (excess <= 0) {
      for (const p of list) owners[p] = n;
      continue;
    }
    const ranked = [...list].sort((a, b) => Number(promotable(b)) - Number(promotable(a)) || a - b);
    const released = new Set(ranked.slice(0, excess));
    for (const p of list) {
      if (released.has(p)) free.push(p);
      else owners[p] = n;
    }
    ownedLists[n] = list.filter((p) => !released.has(p));
  }

  // Orphans with surviving replicas must be promoted: maximum matching onto replicas with room.
  const mandatory: number[] = [];
  for (let p = 0; p < P; p++) {
    if (oldOwners[p]! < 0) {
      if (oldReplicas[p]!.length > 0) mandatory.push(p);
      else free.push(p);
    }
  }
  const assigned: number[][] = Array.from({ length: N }, () => []);
  const visited = new Int32Array(N);
  let stamp = 0;
  let hubVisited = 0;
  const take = (m: number, p: number): true => {
    assigned[m]!.push(p);
    owners[p] = m;
    return true;
  };
  // Augmenting-path matching (Kuhn) of orphans onto their replicas. A replica has room when it
  // is under quota, or when it may take a flex quota (free, or freed by re-routing a node that
  // holds one).
  const augment = (p: number): boolean => {
    const candidates = oldReplicas[p]!;
    let best = -1;
    for (const m of candidates) if (cap[m]! > 0 && (best < 0 || cap[m]! > cap[best]!)) best = m;
    if (best >= 0) {
      cap[best]!--;
      return take(best, p);
    }
    if (flexUsed < flexBudget) {
      for (const m of candidates) {
        if (flexible(m) && flexed[m] === 0 && hasCeil(m)) {
          moveCeil(-1, m);
          flexed[m] = 1;
          flexUsed++;
          return take(m, p);
        }
      }
    }
    for (const m of candidates) {
      if (visited[m] === stamp) continue;
      visited[m] = stamp;
      const list = assigned[m]!;
      for (let i = 0; i < list.length; i++) {
        if (augment(list[i]!)) {
          list[i] = p;
          owners[p] = m;
          return true;
        }
      }
      if (flexible(m) && flexed[m] === 0 && hubVisited !== stamp) {
        hubVisited = stamp;
        for (let m2 = 0; m2 < N; m2++) {
          if (flexed[m2] === 0 || visited[m2] === stamp) continue;
          if (zoneOf !== undefined && zoneOf[m2] !== zoneOf[m] && !hasCeil(m)) continue;
          visited[m2] = stamp;
          const list2 = assigned[m2]!;
          for (let i = 0; i < list2.length; i++) {
            if (augment(list2[i]!)) {
              list2.splice(i, 1);
              moveCeil(m2, m);
              flexed[m2] = 0;
              flexed[m] = 1;
              return take(m, p);
            }
          }
        }
      }
    }
    return false;
  };
  const unmatched: number[] = [];
  for (const p of mandatory) {
    stamp++;
    if (!augment(p)) unmatched.push(p);
  }
  // Flex quotas nobody needed for a promotion: to nodes that own the most, then by index.
  const rest = range(N)
    .filter((n) => flexible(n) && flexed[n] === 0)
    .sort((a, b) => owned[b]! - owned[a]! || a - b);
  for (const strict of [true, false]) {
    for (const n of rest) {
      if (flexUsed === flexBudget) break;
      if (flexed[n] === 1 || (strict && !hasCeil(n))) continue;
      moveCeil(-1, n);
      flexed[n] = 1;
      flexUsed++;
      cap[n]!++;
    }
  }
  for (const p of unmatched) {
    // Promote anyway (the data must not be lost); the promoted node makes room again.
    let best = -1;
    for (const m of oldReplicas[p]!) {
      if (best < 0 || ownedLists[m]!.length > ownedLists[best]!.length) best = m;
    }
    owners[p] = best;
    const list = ownedLists[best]!;
    if (list.length > 0) {
      // Give one of its kept partitions away (one more owner move, to a node with room).
      const ranked = [...list].sort(
        (a, b) => Number(promotable(b)) - Number(promotable(a)) || a - b,
      );
      const give = ranked[0]!;
      list.splice(list.indexOf(give), 1);
      owners[give] = -1;
      free.push(give);
      continue;
    }
    // It kept nothing: hand one of its promotions on to a node with room (its replicas keep
    // the data, so nothing is lost).
    const promotions = assigned[best]!;
    const give = promotions.pop();
    if (give === undefined) throw new Error('placement: no owner room left');
    owners[give] = -1;
    free.push(give);
  }

  // Remaining partitions: a replica with room first (promotion), otherwise the node with the
  // most room, preferring one whose zone the partition's replicas do not already fill.
  free.sort((a, b) => a - b);
  const zoneCount = new Int32Array(zoneOf === undefined ? 0 : N);
  for (const p of free) {
    let best = -1;
    for (const m of oldReplicas[p]!)
      if (cap[m]! > 0 && (best < 0 || cap[m]! > cap[best]!)) best = m;
    if (best < 0) {
      if (zoneOf !== undefined) for (const m of oldReplicas[p]!) zoneCount[zoneOf[m]!]!++;
      let bestZoneOk = false;
      for (let i = 0; i < N; i++) {
        // Start the scan after the partition's index so that ties spread round-robin.
        const n = (p + i) % N;
        if (cap[n]! <= 0) continue;
        const zoneOk = zoneOf === undefined || zoneCount[zoneOf[n]!]! < zoneCap;
        if (
          best < 0 ||
          (zoneOk && !bestZoneOk) ||
          (zoneOk === bestZoneOk && cap[n]! > cap[best]!)
        ) {
          best = n;
          bestZoneOk = zoneOk;
        }
      }
      if (zoneOf !== undefined) for (const m of oldReplicas[p]!) zoneCount[zoneOf[m]!]!--;
    }
    if (best < 0) throw new Error('placement: no owner room left');
    cap[best]!--;
    owners[p] = best;
  }
  return owners;
}

function placeReplicas(
  N: number,
  P: number,
  k: number,
  zoneOf: Int32Array | undefined,
  numZones: number,
  zoneCap: number,
  start: PlacementStart,
  owners: Int32Array,
): Int32Array {
  const replicas = new Int32Array(P * k).fill(-1);
  if (k === 0) return replicas;
  const oldOwners = start.owners;
  const oldReplicas = start.replicas;
  const count = new Int32Array(N);
  const owned = new Int32Array(N);
  for (let p = 0; p < P; p++) owned[owners[p]!]!++;
  // Keep every still-valid replica (up to RF − 1 per partition). With zones, a replica that
  // would put more holders than the zone cap in one zone is not kept (zones before movement).
  const keptZones = zoneOf === undefined ? undefined : new Int32Array(numZones);
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
  // Quotas: the ⌈⌉ ones to nodes that keep the most (less movement), then to nodes that own
  // fewer partitions (total load stays even). A node may hold at most P partitions in total,
  // so it may take the extra replica only if owned + ⌊R/N⌋ + 1 ≤ P.
  const base = Math.floor((P * k) / N);
  const order = range(N).sort((a, b) => count[b]! - count[a]! || owned[a]! - owned[b]! || a - b);
  // With zones, a zone holds at most zoneCap × P partitions in total; the extra replicas go
  // to zones that still have room, so that the zone limit can be met everywhere.
  const zoneRoom = zoneOf === undefined ? undefined : new Array<number>(numZones).fill(zoneCap * P);
  if (zoneRoom !== undefined && zoneOf !== undefined) {
    for (let n = 0; n < N; n++) zoneRoom[zoneOf[n]!]! -= owned[n]! + base;
  }
  const quota = quotas(N, P * k, order, (n) => {
    if (owned[n]! + base + 1 > P) return false;
    if (zoneRoom === undefined || zoneOf === undefined) return true;
    if (zoneRoom[zoneOf[n]!]! <= 0) return false;
    zoneRoom[zoneOf[n]!]!--;
    return true;
  });

  // Per-partition zone usage: zoneUse[p * numZones + z].
  const zoneUse = zoneOf === undefined ? undefined : new Int32Array(P * numZones);
  if (zoneUse !== undefined && zoneOf !== undefined) {
    for (let p = 0; p < P; p++) {
      zoneUse[p * numZones + zoneOf[owners[p]!]!]!++;
      for (let j = 0; j < k; j++) {
        const m = replicas[p * k + j]!;
        if (m >= 0) zoneUse[p * numZones + zoneOf[m]!]!++;
      }
    }
  }
  const holds = (p: number, n: number): boolean => {
    if (owners[p] === n) return true;
    for (let j = 0; j < k; j++) if (replicas[p * k + j] === n) return true;
    return false;
  };
  const zoneOk = (p: number, n: number): boolean =>
    zoneUse === undefined || zoneOf === undefined || zoneUse[p * numZones + zoneOf[n]!]! < zoneCap;
  const setSlot = (p: number, j: number, n: number): void => {
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
  };
  const deficit = (n: number): number => quota[n]! - count[n]!;

  // A fresh layout (nothing kept) starts with one leave partner per partition (see
  // leave-partners.ts). Zones take precedence: with zones, replicas follow the zone rules only.
  if (zoneOf === undefined && isFresh(start)) {
    const partnerOf = leavePartners(N, owners, quota);
    for (let p = 0; p < P; p++) {
      const n = partnerOf[p]!;
      if (n >= 0) setSlot(p, 0, n);
    }
  }

  // Over-quota nodes give up the slots that nodes under quota can take over most easily: in
  // partitions with the most room (nodes under quota that could enter, minus holes already made).
  const room = (p: number): number => {
    let fits = 0;
    for (let n = 0; n < N; n++) if (deficit(n) > 0 && !holds(p, n) && zoneOk(p, n)) fits++;
    for (let j = 0; j < k; j++) if (replicas[p * k + j]! < 0) fits--;
    return fits;
  };
  const slotsOf: number[][] = Array.from({ length: N }, () => []);
  for (let i = 0; i < P * k; i++) {
    const m = replicas[i]!;
    if (m >= 0) slotsOf[m]!.push(i);
  }
  for (let n = 0; n < N; n++) {
    const excess = count[n]! - quota[n]!;
    if (excess <= 0) continue;
    const ranked = slotsOf[n]!.map((i) => ({ i, room: room(Math.floor(i / k)) }));
    ranked.sort((a, b) => b.room - a.room || a.i - b.i);
    for (let e = 0; e < excess; e++) {
      const i = ranked[e]!.i;
      setSlot(Math.floor(i / k), i % k, -1);
    }
  }

  // Fill the empty slots greedily. Preference: a zone the partition does not use yet, a node
  // that held the partition before (no data to copy), a node that replicates few partitions of
  // this owner yet (when the owner fails, its partitions are promoted on every node evenly), a
  // node that shares few partitions with the partition's other holders (its load is picked up
  // by all others), the node with the most room, and finally the next node after the owner.
  const coHold = N <= MAX_SPREAD_NODES ? new Int32Array(N * N) : undefined;
  // ownerRep[o * N + n]: partitions owned by o that n replicates (n's share of o's promotions).
  const ownerRep = N <= MAX_SPREAD_NODES ? new Int32Array(N * N) : undefined;
  const addHolding = (p: number, n: number): void => {
    if (coHold === undefined || ownerRep === undefined) return;
    const o = owners[p]!;
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
  };
  if (coHold !== undefined && ownerRep !== undefined) {
    for (let p = 0; p < P; p++) {
      const o = owners[p]!;
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
  }
  const shared = (p: number, n: number): number => {
    if (coHold === undefined) return 0;
    let total = coHold[owners[p]! * N + n]!;
    for (let j = 0; j < k; j++) {
      const m = replicas[p * k + j]!;
      if (m >= 0) total += coHold[m * N + n]!;
    }
    return total;
  };
  const hadData = (p: number, n: number): boolean =>
    oldOwners[p] === n || oldReplicas[p]!.includes(n);
  const stuck: number[] = [];
  const filled = new Uint8Array(P * k);
  for (let p = 0; p < P; p++) {
    const o = owners[p]!;
    for (let j = 0; j < k; j++) {
      if (replicas[p * k + j]! >= 0) continue;
      let best = -1;
      let bestZone = false;
      let bestData = false;
      let bestShared = 0;
      let bestPromotions = 0;
      let bestRoom = 0;
      for (let i = 1; i <= N; i++) {
        const n = (o + i) % N;
        const room = deficit(n);
        if (room <= 0 || holds(p, n)) continue;
        const zone = zoneOk(p, n);
        const data = hadData(p, n);
        const promotions = ownerRep === undefined ? 0 : ownerRep[o * N + n]!;
        const sharedWith = shared(p, n);
        const better =
          best < 0 ||
          (zone !== bestZone
            ? zone
            : data !== bestData
              ? data
              : promotions !== bestPromotions
                ? promotions < bestPromotions
                : sharedWith !== bestShared
                  ? sharedWith < bestShared
                  : room > bestRoom);
        if (better) {
          best = n;
          bestPromotions = promotions;
          bestZone = zone;
          bestData = data;
          bestShared = sharedWith;
          bestRoom = room;
        }
      }
      // No node with room fits (or none in a free zone): leave it to the augmenting search.
      if (best < 0 || (zoneOf !== undefined && !bestZone)) {
        stuck.push(p * k + j);
        continue;
      }
      addHolding(p, best);
      setSlot(p, j, best);
      filled[p * k + j] = 1;
    }
  }

  // Slots no node with room can take: shortest augmenting path. A node that can enter the
  // partition leaves one of its own slots, which the next step fills, until a node with room
  // takes the last freed slot.
  // Moving a slot filled in this pass costs nothing extra, moving a kept one costs one move:
  // search paths through filled slots first, and respect zones before saving a move.
  for (const slot of stuck) {
    if (
      !augmentReplica(slot, true, true) &&
      !augmentReplica(slot, true, false) &&
      !augmentReplica(slot, false, true) &&
      !augmentReplica(slot, false, false)
    ) {
      throw new Error('placement: replica slots cannot be filled');
    }
  }
  if (zoneUse !== undefined && zoneOf !== undefined) repairZones(zoneUse, zoneOf);
  return replicas;

  // A partition with too many holders in one zone swaps one of them with a replica of another
  // partition, from a zone it lacks: both partitions end within the zone cap and every node
  // keeps its counts.
  function repairZones(use: Int32Array, zone: Int32Array): void {
    const over = (p: number): number => {
      for (let z = 0; z < numZones; z++) if (use[p * numZones + z]! > zoneCap) return z;
      return -1;
    };
    for (let p = 0; p < P; p++) {
      for (let guard = 0; guard < k; guard++) {
        const z = over(p);
        if (z < 0) break;
        let swapped = false;
        for (let j = 0; j < k && !swapped; j++) {
          const x = replicas[p * k + j]!;
          if (zone[x] !== z) continue;
          for (let i = 0; i < P * k && !swapped; i++) {
            const q = Math.floor(i / k);
            const y = replicas[i]!;
            if (q === p || zone[y] === z || holds(p, y) || holds(q, x)) continue;
            // y enters p, x enters q (after the other left).
            if (use[p * numZones + zone[y]!]! >= zoneCap) continue;
            if (use[q * numZones + z]! >= zoneCap) continue;
            setSlot(p, j, y);
            setSlot(q, i % k, x);
            swapped = true;
          }
        }
        if (!swapped) break;
      }
    }
  }

  function augmentReplica(startSlot: number, respectZones: boolean, filledOnly: boolean): boolean {
    // BFS over slots to fill; parentSlot[i] is the slot that movingNode[i] moves into from i.
    const parentSlot = new Map<number, number>();
    const movingNode = new Map<number, number>();
    const seenPartition = new Uint8Array(P);
    // The slots each node may leave, and whether they are queued already: a node's slots are
    // queued at the first hole it can enter, which marks all its partitions seen, so each node
    // is expanded once and the search stays O(P·k + N·holes).
    const slotsByNode: number[][] = Array.from({ length: N }, () => []);
    for (let i = 0; i < P * k; i++) {
      const y = replicas[i]!;
      if (y >= 0 && (!filledOnly || filled[i] === 1)) slotsByNode[y]!.push(i);
    }
    const expanded = new Uint8Array(N);
    const queue = [startSlot];
    seenPartition[Math.floor(startSlot / k)] = 1;
    for (let head = 0; head < queue.length; head++) {
      const hole = queue[head]!;
      const hp = Math.floor(hole / k);
      const can = (n: number): boolean => !holds(hp, n) && (!respectZones || zoneOk(hp, n));
      for (let n = 0; n < N; n++) {
        if (deficit(n) > 0 && can(n)) {
          // Apply the path back to the start.
          let s = hole;
          let node = n;
          for (;;) {
            const sp = Math.floor(s / k);
            setSlot(sp, s % k, node);
            filled[s] = 1;
            const prev = parentSlot.get(s);
            if (prev === undefined) return true;
            node = movingNode.get(s)!;
            s = prev;
          }
        }
      }
      for (let y = 0; y < N; y++) {
        if (expanded[y] === 1 || !can(y)) continue;
        expanded[y] = 1;
        for (const i of slotsByNode[y]!) {
          const q = Math.floor(i / k);
          if (seenPartition[q] === 1) continue;
          seenPartition[q] = 1;
          // y moves from slot i into `hole`; slot i becomes the next hole.
          parentSlot.set(i, hole);
          movingNode.set(i, y);
          queue.push(i);
        }
      }
    }
    return false;
  }
}

/** Above this many nodes, co-holding is not tracked (its matrix grows as N²). */
const MAX_SPREAD_NODES = 1024;

/** Nothing to keep: no partition has an owner or a replica yet. */
function isFresh(start: PlacementStart): boolean {
  return start.owners.every((o) => o < 0) && start.replicas.every((r) => r.length === 0);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
