import { placeOwners } from './owner-placement.js';
import type { Placement, PlacementInput, PlacementStart } from './placement-input.js';
import { placeReplicas } from './replica-placement.js';

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
 *    a node that had the data, and spread co-holding (co-holding.ts). Where no such node is
 *    left, a shortest augmenting path shifts replicas to make room, through slots filled in
 *    this pass first (no extra move; replica-augmenting.ts). A last pass swaps replicas between
 *    partitions to fix any zone limit still exceeded (zone-repair.ts).
 *
 * Each step is a named phase over a shared state object: `OwnerPlacement` in
 * owner-placement.ts and `ReplicaPlacement` in replica-placement.ts.
 */

export type { Placement, PlacementStart } from './placement-input.js';

/**
 * Places `numPartitions` partitions on `numNodes` nodes with `replicationFactor` holders each
 * (already capped at the node count). `zoneOf` maps a node index to a zone index. The phases
 * live in owner-placement.ts and replica-placement.ts.
 */
export function place(
  numNodes: number,
  numPartitions: number,
  replicationFactor: number,
  zoneOf: Int32Array | undefined,
  start: PlacementStart,
): Placement {
  const numZones = zoneOf === undefined ? numNodes : new Set(zoneOf).size;
  const input: PlacementInput = {
    N: numNodes,
    P: numPartitions,
    k: replicationFactor - 1,
    zoneOf,
    numZones,
    // Most holders of one partition that may share a zone.
    zoneCap: Math.ceil(replicationFactor / Math.max(1, numZones)),
    start,
  };
  const owners = placeOwners(input);
  const replicas = placeReplicas(input, owners);
  return { owners, replicas, replicasPerPartition: input.k };
}
