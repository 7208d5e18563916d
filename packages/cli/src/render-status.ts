import type { ClusterStatus, MemberStatus, TableStatus } from '@tala-net/cluster';
import { textTable } from './text-table.js';

/**
 * Renders a node's status document as readable text: a heading (id, address, label, uptime),
 * the members of its view with how many partitions each owns and replicates in its table, the
 * partition table (one row per partition) and the main counters. This is what
 * `tala-net status <url>` prints.
 *
 * @example
 * ```ts
 * const text = renderStatus(await fetchStatus('http://127.0.0.1:8001'));
 * ```
 */
export function renderStatus(status: ClusterStatus): string {
  const sections = [
    `node ${status.id} at ${status.address} (label ${status.label}, up ${formatSeconds(status.uptimeMs)})`,
    renderMembers(status.members, status.table),
    renderTable(status.table),
    renderStats(status),
  ];
  return `${sections.join('\n\n')}\n`;
}

function renderMembers(members: readonly MemberStatus[], table: TableStatus | null): string {
  const owns = new Map<string, number>();
  const replicates = new Map<string, number>();
  for (const assignment of table?.assignments ?? []) {
    owns.set(assignment.owner, (owns.get(assignment.owner) ?? 0) + 1);
    for (const replica of assignment.replicas) {
      replicates.set(replica, (replicates.get(replica) ?? 0) + 1);
    }
  }
  const rows = members.map((member) => [
    member.id,
    member.address === '' ? '-' : member.address,
    member.state,
    member.incarnation,
    String(owns.get(member.id) ?? 0),
    String(replicates.get(member.id) ?? 0),
  ]);
  return `members (${members.length})\n${textTable(
    ['ID', 'ADDRESS', 'STATE', 'INCARNATION', 'OWNS', 'REPLICATES'],
    rows,
  )}`;
}

function renderTable(table: TableStatus | null): string {
  if (table === null) return 'partition table: none yet';
  const heading =
    `partition table v${table.version} (coordinator ${table.coordinator}, ` +
    `${table.partitions} partitions; this node owns ${table.owned.length} ` +
    `and replicates ${table.replicated.length})`;
  const rows = table.assignments.map((assignment) => [
    String(assignment.partition),
    assignment.owner,
    assignment.replicas.length === 0 ? '-' : assignment.replicas.join(', '),
  ]);
  return `${heading}\n${textTable(['PARTITION', 'OWNER', 'REPLICAS'], rows)}`;
}

function renderStats(status: ClusterStatus): string {
  const stats = status.stats;
  const rows: [string, number][] = [
    ['intents submitted', stats.intentsSubmitted],
    ['intents delivered', stats.intentsDelivered],
    ['intents duplicate', stats.intentsDuplicate],
    ['intents in doubt', stats.intentsInDoubt],
    ['intents forwarded', stats.intentsForwarded],
    ['intents failed', stats.intentsFailed],
    ['tables adopted', stats.tablesAdopted],
    ['tables computed', stats.tablesComputed],
    ['segment bytes sent', stats.segmentBytesSent],
    ['segment bytes received', stats.segmentBytesReceived],
    ['data sent', stats.dataSent],
    ['data received', stats.dataReceived],
    ['acks sent', stats.ackSent],
    ['acks received', stats.ackReceived],
    ['data unconfirmed', stats.unconfirmed],
  ];
  return `counters\n${textTable(
    ['COUNTER', 'VALUE'],
    rows.map(([name, value]) => [name, String(value)]),
  )}`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
