import type { NodeId, Transport } from '@tala-net/types';

/** A peer that a transport can be told about but never reach (see {@link ConformanceNetwork}). */
export interface UnreachablePeer {
  /** Its id. */
  readonly id: NodeId;
  /**
   * An address for it that nobody answers on; the suite records it in the sender's address
   * book. Leave it out when the transport knows the peer some other way.
   * @default undefined
   */
  readonly address?: string;
}

/** The bound of a transport's queue for one peer. */
export interface QueueLimit {
  /** Most frames the queue holds. */
  readonly frames: number;
  /** Most encoded bytes the queue holds. */
  readonly bytes: number;
}

/** A network of connected transports, created by {@link TransportConformanceOptions.setup}. */
export interface ConformanceNetwork {
  /**
   * Open transports with distinct ids, all able to reach each other (e.g. listening, with each
   * other's addresses in their address books), but not connected yet: the peer-event cases
   * expect the first `send` or `dial` between two of them to open their connection.
   */
  readonly transports: readonly Transport[];
  /**
   * Resolves once every message sent so far has been delivered (or dropped): flushes queues,
   * advances virtual time, or waits for sockets. Messages are dispatched to listeners or queued
   * for `recv()` by then. The suite also calls it repeatedly while it waits for events, so it
   * must return promptly when nothing is in flight.
   */
  deliver(): Promise<void> | void;
  /** Releases everything `setup` created. Called after each test. */
  teardown?(): Promise<void> | void;
  /**
   * How many messages the network counts as delivered so far, for a network that keeps such a
   * counter (e.g. `() => net.stats.delivered`): the suite then checks that it counts exactly
   * what the application received (dispatched to a listener or returned by `recv()`), not what
   * a closing transport dropped. Without it, that test is skipped.
   * @default undefined
   */
  delivered?(): number;
  /**
   * Largest payload of one frame the transport carries, in bytes (the length field of the
   * codec's header), for a transport that has such a limit: the suite then sends a
   * `SegmentSync` just within it. Without it, that test is skipped.
   * @default undefined
   */
  readonly maxFrameBytes?: number;
  /**
   * A peer that `transports[0]` can queue messages for but never reach (e.g. an address where
   * nothing listens), for a transport with per-peer queues; with {@link queueLimit} and
   * {@link queueDrops} the suite checks that the queue stays within its bound and counts what
   * it drops. Without all three, those tests are skipped.
   * @default undefined
   */
  unreachablePeer?(): Promise<UnreachablePeer> | UnreachablePeer;
  /**
   * The bound of `transports[0]`'s queue for one peer.
   * @default undefined
   */
  readonly queueLimit?: QueueLimit;
  /**
   * How many messages `transports[0]` dropped so far because a peer's queue was full.
   * @default undefined
   */
  queueDrops?(): number;
}

/** Options of {@link transportConformanceTests} and of each concern's tests. */
export interface TransportConformanceOptions {
  /**
   * Name of the `describe` block.
   * @default 'Transport conformance' (with the concern's name for one concern)
   */
  readonly name?: string;
  /** Creates a fresh network of `nodes` (≥ 3) connected transports for one test. */
  setup(nodes: number): Promise<ConformanceNetwork> | ConformanceNetwork;
  /**
   * Messages in the burst tests.
   * @default 10_000
   */
  readonly burst?: number;
  /**
   * Longest a test waits for something asynchronous (a message, an event, a promise), in
   * milliseconds of wall-clock time, calling `deliver()` meanwhile; it fails when the time is up.
   * Keep vitest's test timeout above it.
   * @default 4_000
   */
  readonly waitTimeoutMs?: number;
}
