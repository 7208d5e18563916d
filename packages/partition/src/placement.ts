/**
 * The placement engine behind `assignPartitions` and `rebalance` (internal, not exported from the
 * package). It works on node indexes (positions in the sorted node list) and typed arrays.
 *
 * Shape of the algorithm:
 *
 * 1. Owners. Each node's owner quota is ⌊P/N⌋ or ⌈P/N⌉; the ⌈⌉ quotas go to the nodes that
 *    already own the most, so the fewest owner slots have to move. A live owner keeps its
 *    partitions up to its quota. Partitions whose owner is gone are matched to one of their
 *    surviving replicas (a promotion: no data moves) by an augmenting-path matching, so a dead
 *    owner never costs a data transfer when the replicas have room; if they have none, a replica
 *    is promoted anyway and gives one of its other partitions away. Surplus partitions of
 *    over-quota owners go preferably to a node that already replicates them.
 * 2. Replicas. Each node's replica quota is ⌊R/N⌋ or ⌈R/N⌉ with R = P·(RF−1). Every replica
 *    that is still valid (live, not the new owner) is kept up to its node's quota; the freed and
 *    missing slots are filled by nodes under quota that do not hold the partition yet, in a zone
 *    the partition does not use yet when zones allow. Where no such node is left, a shortest
 *    augmenting path shifts one replica to make room.
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
  // Not reachable for valid inputs (see the feasibility note in placeReplicas); kept total exact.
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
  const orphanReplicaOf = new Int32Array(N);
  for (let p = 0; p < P; p++) {
    const o = oldOwners[p]!;
    if (o >= 0) owned[o]!++;
    else for (const m of oldReplicas[p]!) orphanReplicaOf[m]!++;
  }
  const order = range(N).sort(
    (a, b) => owned[b]! - owned[a]! || orphanReplicaOf[b]! - orphanReplicaOf[a]! || a - b,
  );
  const quota = quotas(N, P, order, () => true);
  const cap = new Int32Array(N);
  for (let n = 0; n < N; n++) cap[n] = Math.max(0, quota[n]! - owned[n]!);

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
  const augment = (p: number): boolean => {
    const candidates = oldReplicas[p]!;
    let best = -1;
    for (const m of candidates) if (cap[m]! > 0 && (best < 0 || cap[m]! > cap[best]!)) best = m;
    if (best >= 0) {
      cap[best]!--;
      assigned[best]!.push(p);
      owners[p] = best;
      return true;
    }
    for (const m of candidates) {
      if (visited[m] === stamp) continue;
      visited[m] = stamp;
      const list = assigned[m]!;
      for (let i = 0; i < list.length; i++) {
        const other = list[i]!;
        if (augment(other)) {
          list[i] = p;
          owners[p] = m;
          return true;
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
    // It kept nothing: its quota is all promotions. Take a ⌈⌉ quota from a node with room…
    let donor = -1;
    for (let n = 0; n < N; n++) {
      if (cap[n]! > 0 && quota[n]! > quota[best]!) {
        donor = n;
        break;
      }
    }
    if (donor >= 0) {
      quota[donor]!--;
      cap[donor]!--;
      quota[best]!++;
      continue;
    }
    // …or hand one of its promotions on to a node with room (its replicas keep the data).
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
  // Keep every still-valid replica (up to RF − 1 per partition).
  for (let p = 0; p < P; p++) {
    let slot = 0;
    for (const m of oldReplicas[p]!) {
      if (slot === k) break;
      if (m === owners[p]) continue;
      replicas[p * k + slot++] = m;
      count[m]!++;
    }
  }
  // Quotas: the ⌈⌉ ones to nodes that keep the most (less movement), then to nodes that own
  // fewer partitions (total load stays even). A node may hold at most P partitions in total,
  // so it may take the extra replica only if owned + ⌊R/N⌋ + 1 ≤ P.
  const base = Math.floor((P * k) / N);
  const order = range(N).sort((a, b) => count[b]! - count[a]! || owned[a]! - owned[b]! || a - b);
  const quota = quotas(N, P * k, order, (n) => owned[n]! + base + 1 <= P);

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
  // that held the partition before (no data to copy), the node with the most room, a node that
  // replicates few partitions of this owner yet (spreads the promotions a crash needs), and
  // finally the next node after the owner in index order.
  const pairs = new Map<number, number>();
  const pairKey = (o: number, n: number): number => o * N + n;
  for (let p = 0; p < P; p++) {
    for (let j = 0; j < k; j++) {
      const m = replicas[p * k + j]!;
      if (m >= 0) pairs.set(pairKey(owners[p]!, m), (pairs.get(pairKey(owners[p]!, m)) ?? 0) + 1);
    }
  }
  const hadData = (p: number, n: number): boolean =>
    oldOwners[p] === n || oldReplicas[p]!.includes(n);
  const stuck: number[] = [];
  for (let p = 0; p < P; p++) {
    const o = owners[p]!;
    for (let j = 0; j < k; j++) {
      if (replicas[p * k + j]! >= 0) continue;
      let best = -1;
      let bestScore = 0;
      for (let i = 1; i <= N; i++) {
        const n = (o + i) % N;
        const room = deficit(n);
        if (room <= 0 || holds(p, n)) continue;
        // Lexicographic score packed into one number: zone, data, room, spread (higher wins).
        const score =
          (zoneOk(p, n) ? 2 ** 40 : 0) +
          (hadData(p, n) ? 2 ** 39 : 0) +
          Math.min(room, 2 ** 18) * 2 ** 20 -
          Math.min(pairs.get(pairKey(o, n)) ?? 0, 2 ** 19);
        if (best < 0 || score > bestScore) {
          best = n;
          bestScore = score;
        }
      }
      if (best < 0) {
        stuck.push(p * k + j);
        continue;
      }
      setSlot(p, j, best);
      pairs.set(pairKey(o, best), (pairs.get(pairKey(o, best)) ?? 0) + 1);
    }
  }

  // Slots no node with room can take: shortest augmenting path. A node that can enter the
  // partition leaves one of its own slots, which the next step fills, until a node with room
  // takes the last freed slot. Zones are respected on a first search and relaxed on a second.
  for (const slot of stuck) {
    if (!augmentReplica(slot, true) && !augmentReplica(slot, false)) {
      throw new Error('placement: replica slots cannot be filled');
    }
  }
  return replicas;

  function augmentReplica(startSlot: number, respectZones: boolean): boolean {
    // BFS over slots to fill. parent[s] = [previous slot, node moving from s into previous].
    const parentSlot = new Map<number, number>();
    const movingNode = new Map<number, number>();
    const seenPartition = new Uint8Array(P);
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
            const prev = parentSlot.get(s);
            if (prev === undefined) return true;
            node = movingNode.get(s)!;
            // `node` leaves `prev`'s neighbour… it moves from slot s's predecessor chain.
            s = prev;
          }
        }
      }
      for (let i = 0; i < P * k; i++) {
        const y = replicas[i]!;
        const q = Math.floor(i / k);
        if (y < 0 || seenPartition[q] === 1 || !can(y)) continue;
        seenPartition[q] = 1;
        // y moves from slot i into `hole`; slot i becomes the next hole.
        parentSlot.set(i, hole);
        movingNode.set(i, y);
        queue.push(i);
      }
    }
    return false;
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
