/**
 * Leave partners: a replica layout under which any one node can leave and exactly what it held
 * moves (internal to the placement engine).
 *
 * When node X leaves a balanced table, its owned partitions ("orphans") must be promoted on
 * surviving replicas, and the survivors' owner counts must be balanced again. When P/N is large,
 * every survivor takes many orphans and spreading each owner's replicas over all nodes is
 * enough. When it is small, the arithmetic decides who must gain exactly one partition:
 *
 * - If ⌊P/(N−1)⌋ = ⌊P/N⌋ = q, the survivors owning q ("light") may gain one, and exactly
 *   `owned(X)` of them do: X's partitions need replicas on `owned(X)` distinct light nodes.
 * - If ⌊P/(N−1)⌋ = q + 1, every light survivor must gain one, and the remaining orphans go to
 *   distinct survivors that may own q + 2: X's partitions need replicas on every light node but
 *   X, plus distinct others (a light node may be among them a second time).
 *
 * A partner is that one replica of a partition: this module picks one per partition, round-robin
 * over the candidates so that every node partners about as many partitions, and never more than
 * its replica quota. An owner whose partners cannot all be found (not enough light nodes with
 * room, which the counts can force) gets none; its leave then costs a few extra owner moves.
 */

/**
 * Partner per partition (a node index), −1 where there is none. `replicaQuota` is each node's
 * replica slot quota: no node partners more partitions than that.
 */
export function leavePartners(
  numNodes: number,
  owners: Int32Array,
  replicaQuota: Int32Array,
): Int32Array {
  const N = numNodes;
  const P = owners.length;
  const partnerOf = new Int32Array(P).fill(-1);
  if (N < 3) return partnerOf;
  const ownedLists: number[][] = Array.from({ length: N }, () => []);
  for (let p = 0; p < P; p++) ownedLists[owners[p]!]!.push(p);
  let q = P;
  let qMax = 0;
  for (const list of ownedLists) {
    q = Math.min(q, list.length);
    qMax = Math.max(qMax, list.length);
  }
  const qAfter = Math.floor(P / (N - 1));
  // Every survivor gains several partitions: spreading replicas is enough.
  if (qAfter > q + 1 || (qAfter === q + 1 && q === qMax)) return partnerOf;
  const everyLightGains = qAfter === q + 1;
  const lights: number[] = [];
  const heavy: number[] = [];
  for (let n = 0; n < N; n++) (ownedLists[n]!.length === q ? lights : heavy).push(n);
  const load = new Int32Array(N);
  const hasRoom = (n: number): boolean => load[n]! < replicaQuota[n]!;
  let nextLight = 0;
  let nextHeavy = 0;
  /** Up to `count` distinct nodes of `pool` other than `owner`, round-robin from `start`. */
  const pick = (pool: readonly number[], start: number, count: number, owner: number) => {
    const chosen: number[] = [];
    for (let i = 0; i < pool.length && chosen.length < count; i++) {
      const n = pool[(start + i) % pool.length]!;
      if (n !== owner && hasRoom(n)) chosen.push(n);
    }
    return chosen;
  };
  /** A light node chosen twice for one owner needs room for both. */
  const fitsQuota = (chosen: readonly number[]): boolean => {
    const extra = new Map<number, number>();
    for (const n of chosen) extra.set(n, (extra.get(n) ?? 0) + 1);
    for (const [n, count] of extra) if (load[n]! + count > replicaQuota[n]!) return false;
    return true;
  };
  for (let x = 0; x < N; x++) {
    const list = ownedLists[x]!;
    let chosen: number[];
    if (everyLightGains) {
      const allLights = lights.filter((n) => n !== x);
      if (!allLights.every(hasRoom)) continue;
      // The remaining orphans: heavy nodes first, light nodes (a second time) when too few.
      const need = list.length - allLights.length;
      const rest = pick(heavy, nextHeavy, need, x);
      nextHeavy += rest.length;
      const again = pick(lights, nextLight, need - rest.length, x);
      nextLight += again.length;
      chosen = [...allLights, ...rest, ...again];
    } else {
      chosen = pick(lights, nextLight, list.length, x);
      nextLight += chosen.length;
    }
    if (chosen.length < list.length || !fitsQuota(chosen)) continue;
    list.forEach((p, i) => {
      partnerOf[p] = chosen[i]!;
      load[chosen[i]!]!++;
    });
  }
  return partnerOf;
}
