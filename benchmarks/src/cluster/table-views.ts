import type { ClusterStatus } from '@tala-net/cluster';
import { type NodeProcesses, sleep } from './node-processes.js';

/** Interval between two rounds of status polls while waiting for a table. */
export const POLL_MS = 20;

/** A node's table as its status document shows it. */
export interface TableView {
  /** `epoch/coordinator`: equal keys are the same table. */
  readonly key: string;
  /** Every node that holds a partition in it (owner or replica), by decimal id. */
  readonly holders: ReadonlySet<string>;
}

/** The table of a status document, or `undefined` when the node has none (or did not answer). */
export function tableView(status: ClusterStatus | undefined): TableView | undefined {
  const table = status?.table;
  if (table === undefined || table === null) return undefined;
  const holders = new Set<string>();
  for (const assignment of table.assignments) {
    holders.add(assignment.owner);
    for (const replica of assignment.replicas) holders.add(replica);
  }
  return { key: `${table.version}/${table.coordinator}`, holders };
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

/** `true` when every status shows the same table and its holders are exactly `holders`. */
export function oneTableHeldBy(
  statuses: readonly (ClusterStatus | undefined)[],
  holders: ReadonlySet<string>,
): boolean {
  const views = statuses.map(tableView);
  const first = views[0];
  return (
    first !== undefined &&
    sameSet(first.holders, holders) &&
    views.every((view) => view?.key === first.key)
  );
}

/**
 * Polls the status endpoints of `indices` every {@link POLL_MS} until all of them route by one
 * table whose holders are exactly `holders`; resolves with `performance.now()` of the poll round
 * that saw it (its start), throws after `timeoutMs`. `onRound` sees every round's statuses.
 */
export async function waitForTable(
  processes: NodeProcesses,
  indices: readonly number[],
  holders: ReadonlySet<string>,
  timeoutMs: number,
  onRound?: (statuses: readonly (ClusterStatus | undefined)[], at: number) => void,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const at = performance.now();
    const statuses = await Promise.all(indices.map((index) => processes.status(index)));
    onRound?.(statuses, at);
    if (oneTableHeldBy(statuses, holders)) return at;
    if (performance.now() > deadline)
      throw new Error(
        `no common table held by ${[...holders].join(',')} within ${timeoutMs} ms: ${statuses
          .map(tableView)
          .map((view) => (view === undefined ? '-' : `${view.key} [${[...view.holders]}]`))
          .join('; ')}`,
      );
    await sleep(POLL_MS);
  }
}
