import type { ReplicaPlacement } from './replica-placement.js';

/**
 * The augmenting search of the replica placement (internal): a slot that no node with room can
 * take is filled by a shortest path of moves. A node that can enter the partition of the hole
 * leaves one of its own slots, which becomes the next hole, until a node with room takes the
 * last freed slot.
 */

/** Where the search came from: `movingNode` moves from `slot` into `parent`. */
interface Step {
  readonly parent: number;
  readonly movingNode: number;
}

/**
 * Fills `startSlot` by a breadth-first search over slots; `false` when no path exists.
 * `respectZones` keeps every move within the zone limit; `filledOnly` moves only slots filled
 * by this placement (no extra data copy).
 */
export function augmentReplica(
  state: ReplicaPlacement,
  startSlot: number,
  respectZones: boolean,
  filledOnly: boolean,
): boolean {
  const { N, P, k } = state;
  const steps = new Map<number, Step>();
  const seenPartition = new Uint8Array(P);
  // A node's slots are queued at the first hole it can enter, which marks all its partitions
  // seen, so each node is expanded once and the search stays O(P·k + N·holes).
  const slotsByNode = movableSlots(state, filledOnly);
  const expanded = new Uint8Array(N);
  const queue = [startSlot];
  seenPartition[Math.floor(startSlot / k)] = 1;
  for (let head = 0; head < queue.length; head++) {
    const hole = queue[head]!;
    const hp = Math.floor(hole / k);
    const can = (n: number): boolean =>
      !state.holds(hp, n) && (!respectZones || state.zoneOk(hp, n));
    for (let n = 0; n < N; n++) {
      if (state.deficit(n) > 0 && can(n)) {
        applyPath(state, hole, n, steps);
        return true;
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
        steps.set(i, { parent: hole, movingNode: y });
        queue.push(i);
      }
    }
  }
  return false;
}

/** The slots each node may leave. */
function movableSlots(state: ReplicaPlacement, filledOnly: boolean): number[][] {
  const { replicas, filled } = state;
  const slotsByNode: number[][] = Array.from({ length: state.N }, () => []);
  for (let i = 0; i < replicas.length; i++) {
    const y = replicas[i]!;
    if (y >= 0 && (!filledOnly || filled[i] === 1)) slotsByNode[y]!.push(i);
  }
  return slotsByNode;
}

/** Applies the path that ends with `node` entering `hole`, back to the start slot. */
function applyPath(
  state: ReplicaPlacement,
  hole: number,
  node: number,
  steps: ReadonlyMap<number, Step>,
): void {
  const { k } = state;
  let slot = hole;
  let entering = node;
  for (;;) {
    state.setSlot(Math.floor(slot / k), slot % k, entering);
    state.filled[slot] = 1;
    const step = steps.get(slot);
    if (step === undefined) return;
    entering = step.movingNode;
    slot = step.parent;
  }
}
