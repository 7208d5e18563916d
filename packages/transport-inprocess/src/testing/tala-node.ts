import { PartitionTable, partitionForIntent } from '@tala-net/partition';
import {
  type Clock,
  type Message,
  type NodeId,
  PartitionId,
  type PeerId,
  type Transport,
} from '@tala-net/types';

/**
 * Where a {@link TalaNode} runs: each node's current transport and clock. A `SimulatedNetwork`
 * is one as it is (`transport(id)`, `clockFor(id)`).
 */
export interface TalaHost {
  /** The node's current transport (a new one after a simulated restart). */
  transport(id: NodeId): Transport;
  /** The node's clock, for its retry timers. */
  clockFor(id: NodeId): Clock;
}

const hex = (bytes: Uint8Array): string => {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
};

/**
 * A model of a TALA node for scenarios, written against the public API of its host: it routes
 * intents to the owner of their partition (`partitionForIntent`), adopts newer partition tables,
 * merges membership gossip, and replicates segments with acknowledgements and retries. Its
 * counters tell a scenario what the application saw.
 *
 * @example
 * ```ts
 * const { sim, ids } = simulateCluster({ nodes: 3, seed: 1 });
 * const table = new PartitionTable({
 *   version: 1n,
 *   assignments: roundRobinAssignments(ids, 12),
 *   numPartitions: 12,
 * });
 * const nodes = ids.map((id) => new TalaNode(sim, id, table));
 * nodes[0]!.submit(randomIntent(sim.random));
 * sim.runUntilIdle();
 * nodes.reduce((sum, node) => sum + node.accepted.size, 0); // 1
 * ```
 */
export class TalaNode {
  /** The partition table this node routes by (replace it, then `broadcastTable()`). */
  table: PartitionTable;
  /** The members this node knows of (itself included). */
  readonly members = new Set<NodeId>();
  /** Intents accepted by this node as owner, by hex id (the application sees each once). */
  readonly accepted = new Map<string, PartitionId>();
  /** Intents that arrived over the network (forwarded by another node). */
  forwardedIntents = 0;
  /** Intents that arrived more than once (suppressed before the application). */
  duplicateIntents = 0;
  /** Intents that arrived at a node that does not own them under its table. */
  misrouted = 0;
  /** Segment data by partition: replicated here, or replicated from here. */
  readonly segments = new Map<PartitionId, Uint8Array>();
  /** Partition → replicas that have not acknowledged its segment yet. */
  readonly unacked = new Map<PartitionId, Set<NodeId>>();
  /** Exceptions thrown by this node's message handling, oldest first: a scenario expects none. */
  readonly handlerFailures: unknown[] = [];

  constructor(
    /** What gives this node its transport and clock. */
    readonly host: TalaHost,
    /** This node's id. */
    readonly id: NodeId,
    table: PartitionTable,
  ) {
    this.table = table;
    this.members.add(id);
    this.attach();
  }

  /** Number of exceptions thrown by this node's message handling so far. */
  get handlerErrors(): number {
    return this.handlerFailures.length;
  }

  /** Subscribes to the node's current transport (call it again after a restart). */
  attach(): void {
    this.host.transport(this.id).addEventListener('message', (event) => {
      try {
        this.handle(event.from, event.message);
      } catch (error) {
        this.handlerFailures.push(error);
      }
    });
  }

  /** A client submits an intent at this node: accept it or forward it to its owner. */
  submit(intent: Uint8Array): void {
    const partition = partitionForIntent(intent, this.table.numPartitions ?? 0);
    const owner = this.table.ownerOf(partition);
    if (owner === this.id) this.accept(intent, partition);
    else if (owner !== undefined) {
      this.send(owner, { type: 'IntentForward', partition, payload: intent });
    }
  }

  /** Sends this node's table to every other node. */
  broadcastTable(): void {
    this.host.transport(this.id).broadcast({
      type: 'PartitionTableUpdate',
      assignments: this.table.assignments,
      version: this.table.version,
    });
  }

  /** Sends what this node knows of the membership to `peer`. */
  gossipTo(peer: PeerId): void {
    this.send(peer, {
      type: 'MembershipUpdate',
      members: [...this.members],
      version: BigInt(this.members.size),
    });
  }

  /**
   * Replicates `data` of `partition` (owned here) to its replicas, resending every `retryMs`
   * on this node's clock until each replica acknowledged it.
   */
  replicate(partition: PartitionId, data: Uint8Array, retryMs: number): void {
    this.segments.set(partition, data);
    const replicas = this.table.assignmentOf(partition)?.replicas ?? [];
    this.unacked.set(partition, new Set(replicas));
    const clock = this.host.clockFor(this.id);
    const resend = () => {
      const waiting = this.unacked.get(partition);
      if (waiting === undefined || waiting.size === 0) return;
      for (const replica of waiting) {
        this.send(replica, { type: 'SegmentSync', partition, segmentData: data });
      }
      clock.setTimer(clock.now() + retryMs, resend);
    };
    resend();
  }

  private send(to: PeerId, message: Message): void {
    this.host.transport(this.id).send(to, message);
  }

  private accept(intent: Uint8Array, partition: PartitionId): void {
    const key = hex(intent);
    if (this.accepted.has(key)) this.duplicateIntents++;
    else this.accepted.set(key, partition);
  }

  private handle(from: PeerId, message: Message): void {
    switch (message.type) {
      case 'IntentForward':
        this.forwardedIntents++;
        if (this.table.ownerOf(message.partition) === this.id) {
          this.accept(message.payload, message.partition);
        } else {
          this.misrouted++;
        }
        return;
      case 'PartitionTableUpdate':
        if (message.version > this.table.version) {
          this.table = new PartitionTable({
            version: message.version,
            assignments: message.assignments,
            numPartitions: this.table.numPartitions,
          });
        }
        return;
      case 'MembershipUpdate':
        for (const member of message.members) this.members.add(member);
        return;
      case 'SegmentSync':
        this.segments.set(message.partition, message.segmentData);
        this.send(from, { type: 'Pong', from: this.id, seq: BigInt(message.partition) });
        return;
      case 'Pong':
        this.unacked.get(PartitionId(message.seq))?.delete(from);
        return;
      default:
        return;
    }
  }
}
