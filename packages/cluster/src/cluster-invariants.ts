import type { NodeId } from '@tala-net/types';
import type { ClusterScenario } from './cluster-scenario.js';
import { tablesAgree } from './cluster-scenario.js';
import type { IntentReceipt } from './intent-receipt.js';
import { intentKey } from './partition-state.js';
import { RECORD_BYTES } from './segment-log.js';
import { recordId } from './segment-record.js';

const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * TALA's invariants on a scenario whose faults have stopped and that had time to recover; one
 * line per violation, none when they all hold:
 *
 * - membership converged: every live node sees exactly the live nodes as Alive;
 * - routing is consistent: every live node routes by one table, computed for the live nodes;
 * - no intent reached the application twice;
 * - every acknowledged intent (`duplicate: false` or `true`) reached it exactly once, and the
 *   segment of its partition's owner holds a record of it;
 * - every partition's replicas are byte-identical to their owner's segment.
 *
 * `acknowledged` maps an intent id in hex (`intentKey`) to the receipts its submissions got.
 *
 * @example
 * ```ts
 * expect(clusterInvariantViolations(scenario, acknowledged)).toEqual([]);
 * ```
 */
export function clusterInvariantViolations(
  scenario: ClusterScenario,
  acknowledged: ReadonlyMap<string, readonly IntentReceipt[]>,
): string[] {
  const violations: string[] = [];
  const live = scenario.live();
  const liveIds = live.map((n) => n.id).sort(ascending);
  for (const node of live) {
    const alive = node.membership
      .members()
      .filter((m) => m.state === 'Alive')
      .map((m) => m.node)
      .sort(ascending);
    if (alive.join() !== liveIds.join())
      violations.push(`node ${node.id} sees [${alive}] alive, not the live nodes [${liveIds}]`);
  }
  const table = live[0]?.table;
  if (!tablesAgree(live) || table === undefined) {
    violations.push('the live nodes do not route by one table');
    return violations;
  }
  if (table.members.join() !== liveIds.join())
    violations.push(`the table is computed for [${table.members}], not for [${liveIds}]`);
  for (const [id, count] of scenario.deliveries)
    if (count > 1) violations.push(`intent ${id} was delivered ${count} times`);
  for (const [id, receipts] of acknowledged) {
    const count = scenario.deliveries.get(id) ?? 0;
    if (count !== 1) violations.push(`acknowledged intent ${id} was delivered ${count} times`);
    const partition = receipts[0]?.partition;
    if (partition === undefined) continue;
    const owner = table.table.ownerOf(partition);
    const segment = owner === undefined ? undefined : scenario.nodes.get(owner)?.segment(partition);
    if (segment === undefined || !recordsIntent(segment.bytes, id))
      violations.push(`the segment of partition ${partition} on its owner lacks intent ${id}`);
  }
  for (const assignment of table.table.assignments) {
    const holders: NodeId[] = [assignment.owner, ...assignment.replicas];
    const digests = holders.map(
      (holder) => scenario.nodes.get(holder)?.segment(assignment.partitionId)?.digest,
    );
    if (new Set(digests).size !== 1)
      violations.push(`the holders of partition ${assignment.partitionId} differ`);
  }
  return violations;
}

/** `true` when `bytes` (whole segment records) hold a record of the id `key`. */
function recordsIntent(bytes: Uint8Array, key: string): boolean {
  for (let at = 0; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES)
    if (intentKey(recordId(bytes.subarray(at, at + RECORD_BYTES))) === key) return true;
  return false;
}
