import { PartitionTable, partitionForIntent } from '@tala-net/partition';
import {
  type Message,
  type NodeId,
  type PartitionAssignment,
  PartitionId,
  type PeerId,
} from '@tala-net/types';
import type { SimulatedNetwork } from '../src/index.js';

/** Round-robin assignment of `count` partitions over `nodes`, with `replicas` replicas each. */
export function assign(
  nodes: readonly NodeId[],
  count: number,
  replicas = 0,
): PartitionAssignment[] {
  return Array.from({ length: count }, (_, p) => ({
    partitionId: PartitionId(p),
    owner: nodes[p % nodes.length]!,
    replicas: Array.from({ length: replicas }, (_, r) => nodes[(p + r + 1) % nodes.length]!),
  }));
}

const hex = (bytes: Uint8Array): string => {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
};

/**
 * A TALA-style node for scenarios, written against the simulator's public API only: routes
 * intents to the owner of their partition, adopts newer partition tables, merges membership
 * gossip, and replicates segments with acknowledgements and retries.
 */
export class TalaNode {
  table: PartitionTable;
  readonly members = new Set<NodeId>();
  /** Intents accepted by this node as owner, by hex id (the application sees each once). */
  readonly accepted = new Map<string, PartitionId>();
  /** Intents that arrived more than once (suppressed before the application). */
  duplicateIntents = 0;
  /** Intents that arrived at a node that does not own them under its table. */
  misrouted = 0;
  readonly segments = new Map<PartitionId, Uint8Array>();
  /** Partition → replicas that have not acknowledged its segment yet. */
  readonly unacked = new Map<PartitionId, Set<NodeId>>();

  constructor(
    readonly sim: SimulatedNetwork,
    readonly id: NodeId,
    table: PartitionTable,
  ) {
    this.table = table;
    this.members.add(id);
    this.attach();
  }

  /** Every transport this node listened on (a transport swallows listener exceptions). */
  private readonly listenedOn: { readonly listenerErrors: number }[] = [];

  /** Exceptions thrown by this node's message handling so far: a scenario expects 0. */
  get handlerErrors(): number {
    return this.listenedOn.reduce((sum, transport) => sum + transport.listenerErrors, 0);
  }

  /** Subscribes to the node's current transport (again after a restart). */
  attach(): void {
    const transport = this.sim.transport(this.id);
    this.listenedOn.push(transport);
    transport.addEventListener('message', (event) => {
      this.handle(event.from, event.message);
    });
  }

  /** A client submits an intent at this node: accept it or forward it to its owner. */
  submit(intent: Uint8Array): void {
    const partition = partitionForIntent(intent, this.table.numPartitions ?? 0);
    const owner = this.table.ownerOf(partition);
    if (owner === this.id) this.accept(intent, partition);
    else if (owner !== undefined) {
      this.sim
        .transport(this.id)
        .send(owner, { type: 'IntentForward', partition, payload: intent });
    }
  }

  /** Sends this node's table to every other node. */
  broadcastTable(): void {
    this.sim.transport(this.id).broadcast({
      type: 'PartitionTableUpdate',
      assignments: this.table.assignments,
      version: this.table.version,
    });
  }

  /** Sends what this node knows of the membership to `peer`. */
  gossipTo(peer: PeerId): void {
    this.sim.transport(this.id).send(peer, {
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
    const clock = this.sim.clockFor(this.id);
    const resend = () => {
      const waiting = this.unacked.get(partition);
      if (waiting === undefined || waiting.size === 0) return;
      for (const replica of waiting) {
        this.sim
          .transport(this.id)
          .send(replica, { type: 'SegmentSync', partition, segmentData: data });
      }
      clock.setTimer(clock.now() + retryMs, resend);
    };
    resend();
  }

  private accept(intent: Uint8Array, partition: PartitionId): void {
    const key = hex(intent);
    if (this.accepted.has(key)) this.duplicateIntents++;
    else this.accepted.set(key, partition);
  }

  private handle(from: PeerId, message: Message): void {
    switch (message.type) {
      case 'IntentForward':
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
        this.sim
          .transport(this.id)
          .send(from, { type: 'Pong', from: this.id, seq: BigInt(message.partition) });
        return;
      case 'Pong':
        this.unacked.get(PartitionId(message.seq))?.delete(from);
        return;
      default:
        return;
    }
  }
}

/** A random 16-byte intent id drawn from the simulation's PRNG. */
export function randomIntent(sim: SimulatedNetwork): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const word = sim.random.nextInt(0x1_0000_0000);
    bytes[i] = word & 0xff;
    bytes[i + 1] = (word >>> 8) & 0xff;
    bytes[i + 2] = (word >>> 16) & 0xff;
    bytes[i + 3] = word >>> 24;
  }
  return bytes;
}
