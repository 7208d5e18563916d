import type { CapabilityRegistry } from '@tala-net/capability';
import type { SwimConfig, SwimPreset } from '@tala-net/membership';
import type { TcpTlsOptions } from '@tala-net/transport-tcp';
import type { Clock, NodeId, Random, Transport } from '@tala-net/types';
import type { ReliableMessagingOptions } from './reliable-messaging-options.js';
import type { TableAuthority } from './table-authority.js';

/** Options of {@link ClusterNode.start}. */
export interface ClusterNodeOptions {
  /**
   * This node's id. Without it, the node reads the id stored in `idFile`, or, when that file
   * does not exist yet, draws a random non-zero u64 and stores it there.
   */
  readonly id?: NodeId;
  /**
   * Where a derived id is kept between runs (ignored when `id` or `transport` is given).
   * @default none: a derived id lives as long as the process
   */
  readonly idFile?: string;
  /**
   * The `host:port` the TCP transport listens on (port 0 picks a free port).
   * @default '127.0.0.1:0'
   */
  readonly listen?: string;
  /**
   * The address the other members reach this node at (`host:port`): gossiped, and given in the
   * TCP transport's handshakes. Required when `listen` is a wildcard (`0.0.0.0`, `[::]`).
   * @default the address the transport listens on
   */
  readonly advertise?: string;
  /**
   * Addresses (`host:port`) of members to join through.
   * @default []: the node starts a cluster of its own
   */
  readonly seeds?: readonly string[];
  /**
   * The cluster label; a node with another label is refused at the handshake.
   * @default 'tala'
   */
  readonly label?: string;
  /** Mutual TLS (key, certificate and cluster CA, PEM); the node id is bound to the certificate. */
  readonly tls?: TcpTlsOptions;
  /**
   * Number of partitions.
   * @default 64
   */
  readonly partitions?: number;
  /**
   * Replicas of each partition, besides its owner.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * This node's zone: replicas of a partition go to other zones when the cluster has them.
   * @default none
   */
  readonly zone?: string;
  /**
   * `host:port` of the HTTP status endpoint (`GET /`, `/metrics`, `/healthz`).
   * @default none: no status endpoint
   */
  readonly status?: string;
  /**
   * A transport to run on instead of TCP (the in-process network, the simulator, …). Its
   * `localId` is the node's id; `listen`, `label` and `tls` are then the transport's business.
   */
  readonly transport?: Transport;
  /**
   * SWIM preset or configuration.
   * @default 'lan'
   */
  readonly swim?: SwimConfig | SwimPreset;
  /**
   * Time and timers (inject a virtual clock to run the node in the simulator).
   * @default realClock()
   */
  readonly clock?: Clock;
  /**
   * Randomness (probe order, jitter).
   * @default seeded from `crypto.getRandomValues`
   */
  readonly random?: Random;
  /**
   * What decides the partition table. Replace it to let an external consensus store decide.
   * @default a `CoordinatorAuthority`: the lowest-id Alive member computes tables
   */
  readonly authority?: TableAuthority;
  /**
   * How long the coordinator waits after a membership change before computing a table.
   * @default 200
   */
  readonly tableDebounceMs?: number;
  /**
   * Interval of the anti-entropy table pull (each node asks one random member).
   * @default 1000
   */
  readonly tablePullIntervalMs?: number;
  /**
   * Deadline of `submitIntent` without its own `timeout`, in milliseconds, retries included.
   * @default 10000
   */
  readonly intentTimeoutMs?: number;
  /**
   * How long one attempt of `submitIntent` waits for the owner before it is retried.
   * @default 2000
   */
  readonly attemptTimeoutMs?: number;
  /**
   * How long an owner waits for its replicas to acknowledge a record before the intent fails
   * with the retriable `NotEnoughReplicas`.
   * @default 1000
   */
  readonly replicationTimeoutMs?: number;
  /**
   * Dedup window in count: each partition's segment keeps the records of at least this many
   * (at most twice as many) intents, two records of 17 bytes each.
   * @default 65536
   */
  readonly intentWindow?: number;
  /**
   * Dedup window in time: an id is recognised as a duplicate for at most this long after the
   * holder recorded it (milliseconds).
   * @default 600000 (10 minutes)
   */
  readonly intentWindowMs?: number;
  /**
   * Largest segment chunk of one `SegmentSync` frame, in bytes (under the frame limit).
   * @default 262144
   */
  readonly segmentChunkBytes?: number;
  /**
   * How long `stop()` waits for the leave to be sent and the queues to drain.
   * @default 1000
   */
  readonly leaveTimeoutMs?: number;
  /**
   * Proxy mode of the reliable messaging: every Data message received is forwarded to every
   * other connected peer except its sender.
   * @default false
   */
  readonly proxy?: boolean;
  /**
   * Limits of the reliable Data/Ack messaging (retransmission, unconfirmed bounds, window).
   * @default the defaults of `ReliableMessagingOptions`
   */
  readonly messaging?: Omit<
    ReliableMessagingOptions,
    'transport' | 'clock' | 'random' | 'signal' | 'proxy'
  >;
  /**
   * Capabilities negotiated with each peer at the handshake of the TCP transport (see
   * `@tala-net/capability`): register the application's own before starting; the node adds
   * the cluster protocol's (`tala.cluster`). With `options.transport`, give the registry to that
   * transport too: the node cannot attach it to a transport it did not build.
   * @default a registry of the cluster protocol's capability alone
   */
  readonly capabilities?: CapabilityRegistry<Record<string, unknown>>;
  /** Stops the node (gracefully) when aborted. */
  readonly signal?: AbortSignal;
}
