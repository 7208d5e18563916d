import type { SwimNode } from '@tala-net/membership';
import type { Conduit, Network } from '@tala-net/network';
import type { NodeId, PartitionId, TimerHandle } from '@tala-net/types';
import type { EngineContext, EngineCounters } from './engine-context.js';
import type { IntentReceipt, SubmitIntentOptions } from './intent-receipt.js';
import { type Deliver, INTENT_CHANNEL, IntentRouter } from './intent-router.js';
import { PartitionState } from './partition-state.js';
import type { ResolvedClusterOptions } from './resolved-cluster-options.js';
import { SEGMENT_CHANNEL, SegmentReplicator } from './segment-replicator.js';
import type { SegmentView } from './segment-view.js';
import { holds, type VersionedTable } from './versioned-table.js';

/** Every how many repairs the owners ask their replicas again what they hold. */
const AUDIT_EVERY = 5;

/** What a {@link ClusterEngine} is built from (internal). */
export interface ClusterEngineOptions {
  readonly id: NodeId;
  readonly options: ResolvedClusterOptions;
  readonly network: Network;
  readonly membership: SwimNode;
  readonly table: () => VersionedTable | undefined;
  readonly observedEpoch: (from: NodeId, epoch: bigint) => void;
  readonly deliver: Deliver;
  readonly report: (error: unknown, source: string) => void;
}

/**
 * The intent and segment side of a node (internal): partition states, what changes when a
 * table is adopted, the `tala.intent` and `tala.segment` channels.
 */
export class ClusterEngine {
  readonly counters: EngineCounters = {
    intentsDelivered: 0,
    intentsDuplicate: 0,
    intentsInDoubt: 0,
    intentsForwarded: 0,
    intentsSubmitted: 0,
    intentsFailed: 0,
    segmentBytesSent: 0,
    segmentBytesReceived: 0,
  };
  readonly #options: ClusterEngineOptions;
  readonly #context: EngineContext;
  readonly #states = new Map<PartitionId, PartitionState>();
  readonly #replicator: SegmentReplicator;
  readonly #router: IntentRouter;
  #intentConduit: Conduit | undefined;
  #segmentConduit: Conduit | undefined;
  #running = false;
  #previous: VersionedTable | undefined;
  readonly #timers = new Set<TimerHandle>();
  #repairs = 0;

  constructor(options: ClusterEngineOptions) {
    this.#options = options;
    const { membership } = options;
    this.#context = {
      id: options.id,
      options: options.options,
      network: options.network,
      membership,
      counters: this.counters,
      states: this.#states,
      table: options.table,
      running: () => this.#running,
      observedEpoch: options.observedEpoch,
      report: options.report,
      isLive: (node) => {
        const state = membership.member(node)?.state;
        return state !== 'Dead' && state !== 'Left';
      },
      createState: (partition) => this.#newState(partition),
      segmentConduit: () => this.#segmentConduit!,
    };
    this.#replicator = new SegmentReplicator(this.#context);
    this.#router = new IntentRouter(
      this.#context,
      this.#replicator,
      options.deliver,
      () => this.#intentConduit!,
    );
  }

  /** Registers the channels. */
  start(): void {
    const { network } = this.#options;
    this.#intentConduit = network.register(INTENT_CHANNEL, {
      request: (request) => this.#router.serve(request),
    });
    this.#segmentConduit = network.register(SEGMENT_CHANNEL, {
      request: (request) => this.#replicator.serve(request),
    });
    this.#running = true;
    this.#scheduleRepair();
  }

  /**
   * Anti-entropy: every two pull intervals, each owner catches up the replicas whose last
   * acknowledgement does not match its segment (a replica skipped while it looked dead, a lost
   * round), and an owner still without its segment fetches it again, so holders converge
   * without waiting for the next intent.
   */
  #scheduleRepair(): void {
    const { clock, coordinator } = this.#options.options;
    const timer = clock.setTimer(clock.now() + 2 * (coordinator.pullIntervalMs ?? 1000), () => {
      this.#timers.delete(timer);
      if (!this.#running) return;
      this.#repair();
      this.#scheduleRepair();
    });
    this.#timers.add(timer);
  }

  #repair(): void {
    const table = this.#options.table()?.table;
    if (table === undefined) return;
    // Every fifth repair audits: acknowledgements are forgotten and asked again (an empty push),
    // so an owner also finds a replica that changed its copy on its own (a restart, a fetch).
    const audit = ++this.#repairs % AUDIT_EVERY === 0;
    for (const state of this.#states.values()) {
      if (!state.synced && state.role === 'holder') {
        this.#fetchSoon(state);
        continue;
      }
      if (!this.#stillOwner(state)) continue;
      if (state.round !== undefined) continue;
      if (audit) state.acks.clear();
      const replicas = table.assignmentOf(state.partition)?.replicas ?? [];
      const behind = replicas.some((replica) => {
        const ack = state.acks.get(replica);
        return (
          ack === undefined ||
          !ack.synced ||
          ack.start !== state.log.start ||
          ack.end !== state.log.end
        );
      });
      if (behind) this.#pushSoon(state);
    }
  }

  /** Stops submissions and retries. */
  /**
   * Takes no more intents as owner and waits, at most `timeoutMs`, until the deliveries in
   * progress and the replication of their records end (see `IntentRouter.drain`).
   */
  async drain(timeoutMs: number): Promise<void> {
    const { clock } = this.#options.options;
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = clock.setTimer(clock.now() + timeoutMs, resolve);
    });
    await Promise.race([this.#router.drain(), timedOut]);
    if (timer !== undefined) clock.clearTimer(timer);
  }

  stop(): void {
    this.#running = false;
    this.#router.stop();
    for (const timer of this.#timers) this.#options.options.clock.clearTimer(timer);
    this.#timers.clear();
  }

  /** Members Alive or Suspect in the local view, this node included, ascending. */
  liveMembers(): NodeId[] {
    return this.#membersIn(['Alive', 'Suspect']);
  }

  /** Members Alive in the local view, this node included, ascending. */
  aliveMembers(): NodeId[] {
    return this.#membersIn(['Alive']);
  }

  #membersIn(states: readonly string[]): NodeId[] {
    const { membership, id } = this.#options;
    const members = membership
      .members()
      .filter((m) => m.node === id || states.includes(m.state))
      .map((m) => m.node);
    return members.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * `node` came (back): what it acknowledged before may be gone (a restart), so the owners
   * forget its acknowledgements and catch it up.
   */
  memberReturned(node: NodeId): void {
    const table = this.#options.table()?.table;
    for (const state of this.#states.values()) {
      state.acks.delete(node);
      const isReplica = table?.assignmentOf(state.partition)?.replicas.includes(node) === true;
      if (isReplica && state.synced && this.#stillOwner(state)) this.#pushSoon(state);
    }
  }

  submit(
    id: Uint8Array,
    payload: Uint8Array,
    options: SubmitIntentOptions,
  ): Promise<IntentReceipt> {
    return this.#router.submit(id, payload, options);
  }

  segment(partition: number): SegmentView | undefined {
    const state = this.#states.get(partition as PartitionId);
    if (state === undefined) return undefined;
    return {
      start: state.log.start,
      end: state.log.end,
      digest: state.log.digest(),
      synced: state.synced,
      bytes: state.log.bytes().slice(),
    };
  }

  /**
   * Applies a newly adopted table to the partition states and returns the previous table:
   * a holder that held the partition before keeps its segment, other holders fetch the
   * longest copy they can find (or start empty when every member holds nothing), owners push their segments to their (new) replicas, and
   * a node that stops holding a partition keeps its segment for one table (to answer fetches).
   */
  adopt(table: VersionedTable): VersionedTable | undefined {
    const previous = this.#previous;
    this.#previous = table;
    const count = table.table.numPartitions ?? table.table.size;
    const { id } = this.#options;
    for (let p = 0; p < count; p++) {
      const partition = p as PartitionId;
      const heldBefore = previous !== undefined && holds(previous.table, partition, id);
      if (holds(table.table, partition, id))
        this.#hold(table, partition, heldBefore, previous?.table.ownerOf(partition));
      else this.#release(partition, heldBefore);
    }
    for (const partition of this.#states.keys())
      if (partition >= count) this.#states.delete(partition);
    return previous;
  }

  #hold(
    table: VersionedTable,
    partition: PartitionId,
    heldBefore: boolean,
    previousOwner: NodeId | undefined,
  ): void {
    let state = this.#states.get(partition);
    // A segment made complete by an owner of this table (a push that came before the table) counts.
    const keeps =
      state !== undefined &&
      state.role === 'holder' &&
      state.synced &&
      (heldBefore || state.syncedEpoch >= table.epoch);
    if (state === undefined) {
      state = this.#newState(partition);
      this.#states.set(partition, state);
    } else if (!keeps) {
      // Its bytes stay (a fetch may find them the longest copy), but not as a complete copy.
      state.abandon();
      state.synced = false;
    }
    state.role = 'holder';
    const assignment = table.table.assignmentOf(partition);
    if (assignment?.owner !== this.#options.id) {
      state.abandon();
      // A replica without a complete copy asks for one rather than wait for the owner's next push.
      if (!state.synced) this.#fetchSoon(state);
      return;
    }
    // The node to ask about ids accepted and not marked delivered before this node owned it.
    if (previousOwner !== this.#options.id) state.previousOwner = previousOwner;
    // What the replicas acknowledged under an older table is asked again (an empty push).
    state.acks.clear();
    if (state.synced) this.#pushSoon(state);
    else this.#fetchSoon(state);
  }

  #release(partition: PartitionId, heldBefore: boolean): void {
    const state = this.#states.get(partition);
    if (state === undefined) return;
    state.abandon();
    if (heldBefore && state.role === 'holder') state.role = 'former';
    else this.#states.delete(partition);
  }

  #newState(partition: PartitionId): PartitionState {
    const { intentWindow, intentWindowMs } = this.#options.options;
    return new PartitionState(partition, intentWindow, intentWindowMs);
  }

  /** The owner pushes its segment to its replicas (new ones get a copy); a failure waits for the repair. */
  #pushSoon(state: PartitionState): void {
    if (!this.#running) return;
    this.#replicator.replicate(state).catch(() => undefined);
  }

  /** A new owner fetches the segment (a failure waits for the repair), then pushes it on. */
  #fetchSoon(state: PartitionState): void {
    if (!this.#running || state.fetching !== undefined) return;
    this.#replicator.fetch(state).then(
      () => {
        if (this.#stillOwner(state)) this.#pushSoon(state);
      },
      () => undefined,
    );
  }

  #stillOwner(state: PartitionState): boolean {
    return (
      this.#running &&
      this.#states.get(state.partition) === state &&
      state.role === 'holder' &&
      this.#options.table()?.table.ownerOf(state.partition) === this.#options.id
    );
  }
}
