import { assignPartitions, PartitionTable, rebalance } from '@tala-net/partition';
import { type NodeId, type PartitionId, TalaError, type TimerHandle } from '@tala-net/types';
import type { ClusterTable, TablePull } from './cluster-messages.js';
import type { TableAuthority, TableAuthorityContext } from './table-authority.js';
import {
  fromClusterTable,
  isNewerTable,
  toClusterTable,
  type VersionedTable,
} from './versioned-table.js';

/** Options of a {@link CoordinatorAuthority}. */
export interface CoordinatorAuthorityOptions {
  /**
   * How long the coordinator waits after a membership change before it computes a table, so
   * that changes arriving together make one table.
   * @default 200
   */
  readonly debounceMs?: number;
  /**
   * Interval of the anti-entropy pull: each node asks one random live member (the coordinator
   * while it has no table) for a newer table, telling it its own table and zone.
   * @default 1000
   */
  readonly pullIntervalMs?: number;
}

const NO_ZONE = '';

/** The largest epoch a table may carry: the coordinator's next one must still be a u64. */
const MAX_EPOCH = 0xffff_ffff_ffff_ffffn;

/**
 * The default {@link TableAuthority}: the lowest-id Alive member of the local SWIM view is the
 * coordinator. It keeps the table in step with its view: when the live members (Alive or
 * Suspect) or their zones differ from the ones the table was computed for, it waits
 * `debounceMs`, computes the next table (`assignPartitions` for the first, minimal-movement
 * `rebalance` after), raises the epoch above every epoch it has seen, adopts it and sends it to
 * every live member. A member that joins gets the table at once; a node without a table, or
 * one that sees a newer epoch, pulls; every node pulls from a random member every
 * `pullIntervalMs`, which is how zones reach the coordinator and how tables made on both sides
 * of a healed network partition meet. A node adopts a table only when it is newer by
 * {@link isNewerTable} (epoch, then the lower coordinator id).
 */
export class CoordinatorAuthority implements TableAuthority {
  readonly #debounceMs: number;
  readonly #pullIntervalMs: number;
  #context: TableAuthorityContext | undefined;
  #table: VersionedTable | undefined;
  #highestEpoch = 0n;
  #computeTimer: TimerHandle | undefined;
  #pullTimer: TimerHandle | undefined;
  /** Members that joined this turn, to be sent the table (see `#greet`). */
  readonly #greeting = new Set<NodeId>();
  #greetTimer: TimerHandle | undefined;
  /** Zones learned from pulls, by member. */
  readonly #zones = new Map<NodeId, string>();
  /** The zones the coordinator computed its last table with (a key), or `undefined`. */
  #zonesUsed: string | undefined;

  constructor(options: CoordinatorAuthorityOptions = {}) {
    this.#debounceMs = options.debounceMs ?? 200;
    this.#pullIntervalMs = options.pullIntervalMs ?? 1000;
  }

  get table(): VersionedTable | undefined {
    return this.#table;
  }

  start(context: TableAuthorityContext): void {
    if (this.#context !== undefined) return;
    this.#context = context;
    this.#zones.set(context.id, context.zone);
    this.#schedulePull();
    this.membershipChanged();
  }

  stop(): void {
    const context = this.#context;
    if (context === undefined) return;
    if (this.#computeTimer !== undefined) context.clock.clearTimer(this.#computeTimer);
    if (this.#pullTimer !== undefined) context.clock.clearTimer(this.#pullTimer);
    if (this.#greetTimer !== undefined) context.clock.clearTimer(this.#greetTimer);
    this.#greetTimer = undefined;
    this.#greeting.clear();
    this.#computeTimer = undefined;
    this.#pullTimer = undefined;
    this.#context = undefined;
  }

  membershipChanged(joined?: NodeId): void {
    const context = this.#context;
    if (context === undefined) return;
    if (joined !== undefined && joined !== context.id) this.#greet(context, joined);
    this.#reconcile();
  }

  /**
   * Sends a member that joined (or came back) the table, or asks it for one, once per turn of
   * the clock however often it joined in that turn: a message that says a member left and came
   * back a thousand times costs one table, not a thousand.
   */
  #greet(context: TableAuthorityContext, node: NodeId): void {
    this.#greeting.add(node);
    if (this.#greetTimer !== undefined) return;
    this.#greetTimer = context.clock.setTimer(context.clock.now(), () => {
      this.#greetTimer = undefined;
      const nodes = [...this.#greeting];
      this.#greeting.clear();
      for (const joined of nodes) {
        if (this.#table === undefined) context.send(joined, this.#pull());
        else if (this.#isCoordinator()) context.send(joined, toClusterTable(this.#table));
      }
    });
  }

  receive(from: NodeId, message: ClusterTable | TablePull): void {
    const context = this.#context;
    if (context === undefined) return;
    // Only members speak for the table: a node that is not live in this view may pull it (a
    // node still joining does), but what it says of tables and zones is not heard.
    const member = context.liveMembers().includes(from);
    if (message.type === 'ClusterTable') {
      if (member) this.#receiveTable(message);
      return;
    }
    const known = this.#zones.get(from);
    if (member) this.#zones.set(from, message.zone);
    const theirs = message.epoch === 0n || !member ? undefined : message;
    if (this.#table !== undefined && isNewerTable(this.#table, theirs)) {
      context.send(from, toClusterTable(this.#table));
    } else if (theirs !== undefined && isNewerTable(theirs, this.#table)) {
      context.send(from, this.#pull());
    }
    if (member && known !== message.zone) this.#reconcile();
  }

  observedEpoch(from: NodeId, epoch: bigint): void {
    const context = this.#context;
    if (context === undefined) return;
    if (this.#table === undefined || epoch > this.#table.epoch) context.send(from, this.#pull());
  }

  #receiveTable(message: ClusterTable): void {
    const context = this.#context!;
    if (!isNewerTable(message, this.#table)) return;
    let table: VersionedTable;
    try {
      if (message.partitions !== context.partitions) {
        throw new TalaError(
          'InvalidPartitionTable',
          `ClusterTable: ${message.partitions} partitions, this cluster has ${context.partitions}`,
        );
      }
      if (message.epoch >= MAX_EPOCH) {
        throw new TalaError(
          'InvalidPartitionTable',
          'ClusterTable: an epoch that leaves no next one',
        );
      }
      table = fromClusterTable(message);
    } catch (error) {
      context.report(error, 'table:invalid');
      return;
    }
    this.#adopt(table);
    this.#reconcile();
  }

  #adopt(table: VersionedTable): void {
    this.#table = table;
    if (table.epoch > this.#highestEpoch) this.#highestEpoch = table.epoch;
    this.#context?.adopt(table);
  }

  #pull(): TablePull {
    const context = this.#context!;
    return {
      type: 'TablePull',
      epoch: this.#table?.epoch ?? 0n,
      coordinator: this.#table?.coordinator ?? (0n as NodeId),
      zone: context.zone,
    };
  }

  #isCoordinator(): boolean {
    const context = this.#context;
    if (context === undefined) return false;
    const alive = context.aliveMembers();
    // A node that joins through seeds never coordinates while it sees no one else alive: it
    // would compute a table of itself alone (a restarted node, before the others answer).
    if (context.seeded && alive.length < 2) return false;
    return alive[0] === context.id;
  }

  /** The zones of `members` when every one of them is known and one is not empty. */
  #zonesOf(members: readonly NodeId[]): Map<NodeId, string> | undefined {
    const zones = new Map<NodeId, string>();
    let any = false;
    for (const member of members) {
      const zone = this.#zones.get(member);
      if (zone === undefined) return undefined;
      if (zone !== NO_ZONE) any = true;
      zones.set(member, zone);
    }
    return any ? zones : undefined;
  }

  /** The coordinator schedules a new table when its table does not match its view. */
  #reconcile(): void {
    const context = this.#context;
    if (context === undefined || !this.#isCoordinator() || this.#computeTimer !== undefined) return;
    if (!this.#stale(context.liveMembers())) return;
    this.#computeTimer = context.clock.setTimer(context.clock.now() + this.#debounceMs, () => {
      this.#computeTimer = undefined;
      this.#compute();
    });
  }

  #stale(live: readonly NodeId[]): boolean {
    const table = this.#table;
    if (table === undefined) return true;
    if (table.members.length !== live.length || table.members.some((m, i) => m !== live[i]))
      return true;
    const zones = this.#zonesOf(live);
    return zones !== undefined && zoneKey(zones) !== this.#zonesUsed;
  }

  #compute(): void {
    const context = this.#context;
    if (context === undefined || !this.#isCoordinator()) return;
    const live = context.liveMembers();
    if (!this.#stale(live)) return;
    const zones = this.#zonesOf(live);
    const epoch = this.#highestEpoch + 1n;
    let table: PartitionTable;
    let fresh: PartitionId[];
    try {
      if (this.#table === undefined) {
        table = assignPartitions({
          nodes: live,
          numPartitions: context.partitions,
          replicationFactor: Math.min(context.replicationFactor, live.length),
          zones,
          version: epoch,
        });
        fresh = table.assignments.map((a) => a.partitionId);
      } else {
        const result = rebalance(this.#table.table, {
          nodes: live,
          replicationFactor: context.replicationFactor,
          zones,
        });
        table = new PartitionTable({
          version: epoch,
          assignments: result.table.assignments,
          numPartitions: context.partitions,
        });
        fresh = [
          ...new Set(
            result.plan.syncs.filter((s) => s.from === undefined).map((s) => s.partitionId),
          ),
        ];
      }
    } catch (error) {
      context.report(error, 'table:compute');
      return;
    }
    this.#zonesUsed = zones === undefined ? undefined : zoneKey(zones);
    const next: VersionedTable = {
      epoch,
      coordinator: context.id,
      members: live,
      fresh: new Set(fresh),
      table,
    };
    this.#adopt(next);
    const message = toClusterTable(next);
    for (const member of live) if (member !== context.id) context.send(member, message);
  }

  #schedulePull(): void {
    const context = this.#context;
    if (context === undefined) return;
    const jitter = context.random.nextInt(Math.max(1, Math.floor(this.#pullIntervalMs / 4)));
    this.#pullTimer = context.clock.setTimer(
      context.clock.now() + this.#pullIntervalMs - jitter,
      () => {
        this.#pullTimer = undefined;
        this.#pullOnce();
        this.#schedulePull();
      },
    );
  }

  #pullOnce(): void {
    const context = this.#context;
    if (context === undefined) return;
    const others = context.liveMembers().filter((m) => m !== context.id);
    if (others.length === 0) return;
    const alive = context.aliveMembers().filter((m) => m !== context.id);
    const target =
      this.#table === undefined && alive.length > 0
        ? alive[0]!
        : others[context.random.nextInt(others.length)]!;
    context.send(target, this.#pull());
    this.#reconcile();
  }
}

function zoneKey(zones: ReadonlyMap<NodeId, string>): string {
  return [...zones].map(([node, zone]) => `${node}=${zone}`).join(',');
}
