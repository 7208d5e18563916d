import type { CapabilityRegistry } from '@tala-net/capability';
import {
  type MembershipEvent,
  MembershipEventType,
  registerSwimMessages,
  SwimNode,
} from '@tala-net/membership';
import { Network } from '@tala-net/network';
import { isWildcardAddress, TcpTransport } from '@tala-net/transport-tcp';
import {
  ErrorReportEvent,
  type NodeId,
  type PeerId,
  SafeEventTarget,
  TalaError,
  type Transport,
  type TransportMessageEvent,
} from '@tala-net/types';
import { clusterCapabilities } from './cluster-capabilities.js';
import { ClusterEngine } from './cluster-engine.js';
import {
  type ClusterNodeEventMap,
  IntentEvent,
  MemberEvent,
  TableEvent,
} from './cluster-events.js';
import { registerClusterMessages } from './cluster-messages.js';
import type { ClusterNodeOptions } from './cluster-node-options.js';
import type { ClusterStatus, MemberStatus, PeerTransportStats } from './cluster-status.js';
import { CoordinatorAuthority } from './coordinator-authority.js';
import type { IntentReceipt, SubmitIntentOptions } from './intent-receipt.js';
import { loadOrCreateNodeId, randomNodeId } from './node-id-file.js';
import { type BroadcastResult, ReliableMessaging, type SendResult } from './reliable-messaging.js';
import { type ResolvedClusterOptions, resolveClusterOptions } from './resolved-cluster-options.js';
import type { SegmentView } from './segment-view.js';
import { StatusServer } from './status-server.js';
import type { TableAuthority } from './table-authority.js';
import type { VersionedTable } from './versioned-table.js';

const MEMBER_CHANGES = Object.values(MembershipEventType);
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * A running tala-net node: SWIM membership over a transport (TCP by default), the network
 * layer's request/response, a partition table decided by a {@link TableAuthority}, intent
 * routing with exactly-once delivery by the owner, and segment replication to the replicas.
 *
 * - **Lifecycle.** `ClusterNode.start(options)` resolves once the node listens and has started
 *   joining through its seeds; `stop()` leaves gracefully (the SWIM leave is gossiped, queues
 *   are flushed, the transport is closed), is idempotent, and runs when `options.signal` aborts.
 * - **Events.** `intent` (delivered to this node's application), `table` (a newer table was
 *   adopted), `member` (a membership change), `error` (a failure the node caught and survived).
 *
 * @example
 * ```ts
 * const node = await ClusterNode.start({ listen: '127.0.0.1:7000', partitions: 64, replicas: 2 });
 * node.addEventListener('intent', (event) => console.log('intent for', event.partition));
 * const receipt = await node.submitIntent(crypto.getRandomValues(new Uint8Array(16)), payload);
 * await node.stop();
 * ```
 */
export class ClusterNode extends SafeEventTarget<ClusterNodeEventMap> {
  /** This node's id. */
  readonly id: NodeId;
  /** The address gossiped to the other members (`host:port` for TCP). */
  readonly address: string;
  /** The cluster label. */
  readonly label: string;
  /** The transport the node runs on. */
  readonly transport: Transport;
  /** SWIM membership. */
  readonly membership: SwimNode;
  /** The request/response layer (channels `tala.intent` and `tala.segment` are the node's). */
  readonly network: Network;
  /** Reliable Data/Ack messaging between the members (`send`, `broadcast`, proxy mode). */
  readonly messaging: ReliableMessaging;
  /**
   * The capabilities this node negotiates with each peer (the cluster protocol's and the
   * application's): `capabilities.valueFor(peer, name)` is the value to use with `peer`.
   */
  readonly capabilities: CapabilityRegistry<Record<string, unknown>>;
  /** Resolves once the node has stopped. */
  readonly done: Promise<void>;
  readonly #options: ResolvedClusterOptions;
  readonly #authority: TableAuthority;
  readonly #engine: ClusterEngine;
  readonly #ownsTransport: boolean;
  readonly #startedAt: number;
  readonly #listening = new AbortController();
  #stopping: Promise<void> | undefined;
  #statusServer: StatusServer | undefined;
  #resolveDone!: () => void;
  #tablesAdopted = 0;
  #tablesComputed = 0;

  private constructor(
    options: ResolvedClusterOptions,
    transport: Transport,
    ownsTransport: boolean,
    address: string,
    capabilities: CapabilityRegistry<Record<string, unknown>>,
  ) {
    super();
    this.capabilities = capabilities;
    this.#options = options;
    this.id = transport.localId;
    this.transport = transport;
    this.#ownsTransport = ownsTransport;
    this.address = address;
    this.label = options.label;
    this.#startedAt = options.clock.now();
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    this.membership = new SwimNode({
      transport,
      clock: options.clock,
      random: options.random,
      config: options.swim,
      seeds: options.seeds,
      address: utf8.encode(address),
    });
    this.network = new Network({ transport, clock: options.clock, random: options.random });
    this.messaging = new ReliableMessaging({
      ...options.messaging,
      transport,
      clock: options.clock,
      random: options.random,
      proxy: options.proxy,
    });
    this.#authority = options.authority ?? new CoordinatorAuthority(options.coordinator);
    this.#engine = new ClusterEngine({
      id: this.id,
      options,
      network: this.network,
      membership: this.membership,
      table: () => this.#authority.table,
      observedEpoch: (from, epoch) => this.#authority.observedEpoch(from, epoch),
      deliver: (id, partition, payload) =>
        this.dispatchEvent(new IntentEvent(id, partition, payload)),
      report: (error, source) => this.#report(error, source),
    });
  }

  /**
   * Starts a node: builds its transport (a `TcpTransport` listening on `options.listen`,
   * unless `options.transport` is given), joins through `options.seeds`, and resolves once it
   * is running. Rejects with a `TalaError`: `InvalidArgument` for bad options, `InvalidId` for
   * an unreadable `idFile`, or the transport's error when it cannot listen.
   */
  static async start(options: ClusterNodeOptions = {}): Promise<ClusterNode> {
    const resolved = resolveClusterOptions(options);
    registerSwimMessages();
    registerClusterMessages();
    const capabilities = clusterCapabilities(options.capabilities);
    let transport = options.transport;
    let ownsTransport = false;
    if (transport === undefined) {
      if (options.advertise === undefined && isWildcardAddress(resolved.listen)) {
        throw new TalaError(
          'InvalidArgument',
          `ClusterNode.start: listening on every interface (${resolved.listen}) needs options.advertise, the address the other members reach this node at`,
        );
      }
      const localId =
        options.id ??
        (options.idFile === undefined ? randomNodeId() : await loadOrCreateNodeId(options.idFile));
      const tcp = new TcpTransport({
        localId,
        clusterLabel: resolved.label,
        capabilities,
        ...(options.advertise === undefined ? {} : { advertiseAddress: options.advertise }),
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      transport = tcp;
      ownsTransport = true;
      try {
        await tcp.listen(resolved.listen, {
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch (error) {
        await tcp.close();
        throw error;
      }
    } else if (options.id !== undefined && options.id !== transport.localId) {
      throw new TalaError(
        'InvalidArgument',
        `ClusterNode.start: options.id ${options.id} differs from the transport's localId ${transport.localId}`,
      );
    }
    const address = options.advertise ?? transport.address ?? '';
    const node = new ClusterNode(resolved, transport, ownsTransport, address, capabilities);
    await node.#run(options.signal);
    if (options.status !== undefined) {
      try {
        node.#statusServer = await StatusServer.start({
          address: options.status,
          status: () => node.status(),
        });
      } catch (error) {
        await node.stop();
        throw error;
      }
    }
    return node;
  }

  async #run(signal: AbortSignal | undefined): Promise<void> {
    const listen = { signal: this.#listening.signal };
    this.transport.addEventListener('message', (event) => this.#onMessage(event), listen);
    for (const change of MEMBER_CHANGES) {
      this.membership.addEventListener(change, (event) => this.#onMember(event), listen);
    }
    this.membership.addEventListener(
      'error',
      (event) => this.#report(event.error, `membership:${event.source}`),
      listen,
    );
    this.network.addEventListener(
      'error',
      (event) => this.#report(event.error, `network:${event.source}`),
      listen,
    );
    await this.network.start();
    this.#engine.start();
    this.#authority.start({
      id: this.id,
      zone: this.#options.zone,
      partitions: this.#options.partitions,
      replicationFactor: this.#options.replicas + 1,
      seeded: this.#options.seeds.length > 0,
      clock: this.#options.clock,
      random: this.#options.random,
      liveMembers: () => this.#engine.liveMembers(),
      aliveMembers: () => this.#engine.aliveMembers(),
      send: (to, message) => this.#send(to, message),
      adopt: (table) => this.#adopt(table),
      report: (error, source) => this.#report(error, source),
    });
    this.membership.start();
    this.messaging.start();
    if (signal !== undefined) {
      if (signal.aborted) void this.stop();
      else
        signal.addEventListener('abort', () => void this.stop(), {
          once: true,
          signal: this.#listening.signal,
        });
    }
  }

  /** The table this node routes by, or `undefined` before it has one. */
  get table(): VersionedTable | undefined {
    return this.#authority.table;
  }

  /** The `host:port` the status endpoint listens on, or `undefined` without one. */
  get statusAddress(): string | undefined {
    return this.#statusServer?.address;
  }

  /**
   * Sends `payload` reliably to member `to` (a Data frame, retransmitted until acknowledged,
   * within the messaging limits). Never throws for a delivery problem: see `SendResult`.
   */
  send(to: PeerId, payload: Uint8Array): SendResult {
    return this.messaging.send(to, payload);
  }

  /** Sends `payload` reliably to every connected peer (one sequence number for all). */
  broadcast(payload: Uint8Array): BroadcastResult {
    return this.messaging.broadcast(payload);
  }

  /** `true` from `start` until `stop` begins. */
  get running(): boolean {
    return this.#stopping === undefined;
  }

  /**
   * Submits an intent: routes it to the owner of `partitionForIntent(id)` and resolves with
   * the owner's receipt once the owner has delivered it (or recognised it as a duplicate).
   * Retriable failures (no table yet, an owner that moved or is not synced, replicas not
   * reachable, timeouts of one attempt) are retried with the next table until `timeout`.
   * Rejects with a `TalaError`: `InvalidArgument` for an id that is not 16 bytes or a payload
   * that is not a `Uint8Array`; `RequestTimedOut` (or the last retriable error's code) when the
   * deadline passes; `Aborted`; `Closed` once the node stops; another network code when the
   * owner refused it.
   */
  submitIntent(
    id: Uint8Array,
    payload: Uint8Array,
    options: SubmitIntentOptions = {},
  ): Promise<IntentReceipt> {
    return this.#engine.submit(id, payload, options);
  }

  /**
   * The segment of `partition` this node holds (a copy of its bytes, its logical range and
   * SHA-256 digest), or `undefined` when it holds none.
   */
  segment(partition: number): SegmentView | undefined {
    return this.#engine.segment(partition);
  }

  /** The node's status document (see {@link ClusterStatus}). */
  status(): ClusterStatus {
    const table = this.table;
    const members: MemberStatus[] = this.membership
      .members()
      .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
      .map((m) => ({
        id: m.node.toString(),
        address: fromUtf8.decode(m.address),
        state: m.state.toLowerCase() as MemberStatus['state'],
        incarnation: m.incarnation.toString(),
      }));
    const counters = this.#engine.counters;
    const messaging = this.messaging.stats;
    return {
      id: this.id.toString(),
      address: this.address,
      label: this.label,
      uptimeMs: Math.max(0, Math.round(this.#options.clock.now() - this.#startedAt)),
      members,
      table:
        table === undefined
          ? null
          : {
              version: table.epoch.toString(),
              coordinator: table.coordinator.toString(),
              partitions: table.table.numPartitions ?? table.table.size,
              assignments: table.table.assignments.map((a) => ({
                partition: a.partitionId,
                owner: a.owner.toString(),
                replicas: a.replicas.map(String),
              })),
              owned: table.table.assignments
                .filter((a) => a.owner === this.id)
                .map((a) => a.partitionId),
              replicated: table.table.assignments
                .filter((a) => a.replicas.includes(this.id))
                .map((a) => a.partitionId),
            },
      stats: {
        ...counters,
        tablesAdopted: this.#tablesAdopted,
        tablesComputed: this.#tablesComputed,
        dataSent: messaging.dataSent,
        dataReceived: messaging.dataReceived,
        ackSent: messaging.ackSent,
        ackReceived: messaging.ackReceived,
        unconfirmed: messaging.unconfirmed,
        peers: this.#peerStats(),
      },
    };
  }

  /**
   * Leaves the cluster gracefully and stops: takes no more intents as owner and lets the
   * deliveries in progress finish, their records replicated (at most `leaveTimeoutMs`), so that
   * leaving leaves no intent in doubt; announces the leave (gossiped by SWIM), waits up to
   * `leaveTimeoutMs` for the queues to the peers to drain, stops membership, the table
   * authority and the network (pending requests fail with `Closed`), and closes the transport
   * when the node made it. Idempotent: every call returns the same promise.
   */
  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    this.#stopping = this.#shutDown();
    return this.#stopping;
  }

  async #shutDown(): Promise<void> {
    await this.#engine.drain(this.#options.leaveTimeoutMs);
    this.#engine.stop();
    try {
      this.membership.leave();
      await this.#flush();
    } catch (error) {
      this.#report(error, 'stop');
    }
    this.#listening.abort();
    this.messaging.stop();
    await this.#statusServer?.close();
    this.membership.stop();
    this.#authority.stop();
    await this.network.stop();
    if (this.#ownsTransport)
      await this.transport.close({ timeoutMs: this.#options.leaveTimeoutMs });
    this.#resolveDone();
  }

  /** Waits (bounded by `leaveTimeoutMs`) until what was queued for the peers is sent. */
  async #flush(): Promise<void> {
    const { clock, leaveTimeoutMs } = this.#options;
    const timeout = new AbortController();
    const timer = clock.setTimer(clock.now() + leaveTimeoutMs, () => timeout.abort());
    const peers = this.#engine.liveMembers().filter((m) => m !== this.id);
    await Promise.all(
      peers.map((peer) =>
        this.transport.drained(peer, { signal: timeout.signal }).catch(() => undefined),
      ),
    );
    clock.clearTimer(timer);
  }

  #send(to: NodeId, message: Parameters<Transport['send']>[1]): void {
    try {
      this.transport.send(to, message);
    } catch (error) {
      this.#report(error, 'send');
    }
  }

  #onMessage(event: TransportMessageEvent): void {
    const { message, from } = event;
    if (message.type === 'ClusterTable' || message.type === 'TablePull') {
      this.#authority.receive(from as NodeId, message);
    }
  }

  #onMember(event: MembershipEvent): void {
    const change = event.type as MembershipEventType;
    const joined = change === 'joined' || change === 'alive' ? event.member.node : undefined;
    this.#authority.membershipChanged(joined);
    if (joined !== undefined || change === 'updated')
      this.#engine.memberReturned(event.member.node);
    this.dispatchEvent(new MemberEvent(change, event.member));
  }

  #adopt(table: VersionedTable): void {
    const previous = this.#engine.adopt(table);
    this.#tablesAdopted++;
    if (table.coordinator === this.id) this.#tablesComputed++;
    this.dispatchEvent(new TableEvent(table, previous));
  }

  #report(error: unknown, source: string): void {
    this.dispatchEvent(new ErrorReportEvent(error, source));
  }

  #peerStats(): Record<string, PeerTransportStats> {
    const peers: Record<string, PeerTransportStats> = {};
    if (!(this.transport instanceof TcpTransport)) return peers;
    for (const peer of this.transport.connectedPeers()) {
      const stats = this.transport.peerStats(peer as PeerId);
      if (stats === undefined) continue;
      peers[peer.toString()] = {
        bytesIn: stats.bytesIn,
        bytesOut: stats.bytesOut,
        framesIn: stats.framesIn,
        framesOut: stats.framesOut,
        reconnects: stats.reconnects,
        queuedFrames: stats.queuedFrames,
        queuedBytes: stats.queuedBytes,
      };
    }
    return peers;
  }
}
