/** A node of a cluster on one machine, as {@link localNodeArguments} starts it. */
export interface LocalNodeSpec {
  /** Its id (decimal). */
  readonly id: string;
  /** The `host:port` it listens on. */
  readonly listen: string;
  /** The `host:port` its status endpoint listens on. */
  readonly status: string;
  /** The cluster label. */
  readonly label: string;
  /** Partitions of the table. */
  readonly partitions: number;
  /** Replicas per partition. */
  readonly replicas: number;
  /** Addresses (`host:port`) of the nodes it joins through (none for the first node). */
  readonly seeds: readonly string[];
}

/**
 * The arguments of `tala-net node` (after `node`) for a node of a cluster whose nodes all run on
 * one machine: SWIM's `local` timing, which detects a crash in seconds.
 *
 * @example
 * ```ts
 * const args = localNodeArguments({
 *   id: '1', listen: '127.0.0.1:7001', status: '127.0.0.1:8001', label: 'demo',
 *   partitions: 64, replicas: 2, seeds: [],
 * });
 * // spawn(process.execPath, [cliPath, 'node', ...args])
 * ```
 */
export function localNodeArguments(node: LocalNodeSpec): string[] {
  return [
    '--id',
    node.id,
    '--listen',
    node.listen,
    '--status',
    node.status,
    '--label',
    node.label,
    '--partitions',
    String(node.partitions),
    '--replicas',
    String(node.replicas),
    '--swim',
    'local',
    ...node.seeds.flatMap((seed) => ['--seed', seed]),
  ];
}
