import type { ReplicaPlacement } from './replica-placement.js';

/**
 * The last phase of the replica placement with zones (internal): a partition with too many
 * holders in one zone swaps one of them with a replica of another partition, from a zone it
 * lacks, so that both partitions end within the zone cap and every node keeps its counts.
 */
export function repairZones(state: ReplicaPlacement): void {
  const { P, k, zoneUse, zoneOf } = state;
  if (zoneUse === undefined || zoneOf === undefined) return;
  for (let p = 0; p < P; p++) {
    for (let guard = 0; guard < k; guard++) {
      const z = crowdedZone(state, zoneUse, p);
      if (z < 0 || !swapOutOf(state, zoneUse, zoneOf, p, z)) break;
    }
  }
}

/** A zone holding more than the zone cap of `p`'s holders, or −1. */
function crowdedZone(state: ReplicaPlacement, use: Int32Array, p: number): number {
  const { numZones, zoneCap } = state;
  for (let z = 0; z < numZones; z++) if (use[p * numZones + z]! > zoneCap) return z;
  return -1;
}

/** Swaps one of `p`'s replicas in zone `z` with a replica of another partition; `false` if none. */
function swapOutOf(
  state: ReplicaPlacement,
  use: Int32Array,
  zone: Int32Array,
  p: number,
  z: number,
): boolean {
  const { k, replicas } = state;
  for (let j = 0; j < k; j++) {
    const x = replicas[p * k + j]!;
    if (zone[x] !== z) continue;
    const i = swapPartner(state, use, zone, p, x, z);
    if (i < 0) continue;
    // y enters p, x enters q (after the other left).
    const y = replicas[i]!;
    state.setSlot(p, j, y);
    state.setSlot(Math.floor(i / k), i % k, x);
    return true;
  }
  return false;
}

/** The first slot of another partition whose replica can trade places with `x` of `p`, or −1. */
function swapPartner(
  state: ReplicaPlacement,
  use: Int32Array,
  zone: Int32Array,
  p: number,
  x: number,
  z: number,
): number {
  const { k, replicas, numZones, zoneCap } = state;
  for (let i = 0; i < replicas.length; i++) {
    const q = Math.floor(i / k);
    const y = replicas[i]!;
    if (q === p || zone[y] === z || state.holds(p, y) || state.holds(q, x)) continue;
    if (use[p * numZones + zone[y]!]! >= zoneCap) continue;
    if (use[q * numZones + z]! >= zoneCap) continue;
    return i;
  }
  return -1;
}
