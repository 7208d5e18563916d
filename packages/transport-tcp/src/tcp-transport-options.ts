import type { CapabilityRegistry } from '@tala-net/capability';
import { DEFAULT_MAX_FRAME_BYTES, defaultRegistry, type MessageRegistry } from '@tala-net/codec';
import {
  AddressBook,
  type Clock,
  type Message,
  type NodeId,
  type PeerId,
  type Random,
  realClock,
  seededRandom,
  TalaError,
} from '@tala-net/types';
import { isAddress } from './address.js';
import { MAX_CLUSTER_LABEL_BYTES, MAX_LISTEN_ADDRESS_BYTES } from './handshake-messages.js';

/** TLS settings of a {@link TcpTransportOptions}: mutual TLS with one cluster CA. */
export interface TcpTlsOptions {
  /** This node's private key (PEM). */
  readonly key: string | Uint8Array;
  /** This node's certificate chain (PEM), signed by the cluster CA. */
  readonly cert: string | Uint8Array;
  /** The cluster CA (PEM): a peer whose certificate it did not sign never completes a handshake. */
  readonly ca: string | Uint8Array | readonly (string | Uint8Array)[];
  /**
   * Require each peer's certificate to name the id it claims in its handshake, as a
   * `subjectAltName` URI `tala-net:node:<decimal id>` (see {@link nodeIdUri}), so that no node
   * can claim another's id. Certificates are checked against the CA, not against host names.
   * @default true
   */
  readonly bindNodeId?: boolean;
}

/** Options of a {@link TcpTransport}. */
export interface TcpTransportOptions {
  /** This node's id. */
  readonly localId: NodeId;
  /**
   * The cluster this node belongs to (ASCII, ≤ 64 bytes): a peer with another label is refused
   * during the handshake, and both sides report why.
   * @default 'tala-net'
   */
  readonly clusterLabel?: string;
  /**
   * The protocol versions this node speaks, `[min, max]`; a connection uses the highest version
   * both sides speak and is refused when the ranges do not overlap.
   * @default [1, 1]
   */
  readonly versions?: readonly [min: number, max: number];
  /** Mutual TLS; plain TCP when omitted. @default undefined */
  readonly tls?: TcpTlsOptions;
  /**
   * Capabilities to advertise in each handshake and negotiate per peer (the registry's
   * `negotiate` runs when a connection opens, `forget` when it closes).
   * @default undefined (an empty advertisement)
   */
  readonly capabilities?: CapabilityRegistry<Record<string, unknown>>;
  /**
   * Where peers can be reached: `send` to a peer without a connection dials the address it finds
   * here. Membership can feed it.
   * @default a new AddressBook
   */
  readonly addressBook?: AddressBook;
  /**
   * The address this node's handshakes give peers to reach it at (`host:port`), for when the
   * address it listens on is not the one others can dial (a wildcard, a NAT, a proxy).
   * @default the address it listens on, and none while it does not listen or when that is a
   * wildcard (`0.0.0.0`, `::`), which no peer can dial
   */
  readonly advertiseAddress?: string;
  /** The message kinds this transport encodes and decodes. @default the codec's defaultRegistry */
  readonly registry?: MessageRegistry;
  /**
   * Largest frame payload accepted from a peer (and sent): a bigger frame closes that connection.
   * @default 16 MiB
   */
  readonly maxFrameBytes?: number;
  /** Frames a peer's queue holds before new ones are dropped (cause `queueFull`). @default 65_536 */
  readonly maxQueuedFrames?: number;
  /** Bytes a peer's queue holds before new frames are dropped. @default 32 MiB */
  readonly maxQueuedBytes?: number;
  /**
   * Bytes of incomplete frames that all connections together may hold (each connection holds at
   * most one frame of at most `maxFrameBytes`): a connection whose bytes would exceed it is
   * closed, so that peers trickling large frames cannot pin memory without bound.
   * @default 128 MiB
   */
  readonly maxPartialFrameBytes?: number;
  /**
   * Receives every message in place of `message` events and `recv()`: called synchronously, in
   * arrival order, with the sender and the message, as each frame is decoded. It costs no `Event`
   * per message, which makes it the fastest way to receive. An exception it throws is counted in
   * `listenerErrors` and reported as an `error` event (source `onMessage`), and delivery goes on.
   * @default undefined (messages are dispatched as `message` events, or held for `recv()`)
   */
  readonly onMessage?: (from: PeerId, message: Message) => void;
  /** Messages held for `recv()` while nobody listens; more are dropped. @default 65_536 */
  readonly maxInboxMessages?: number;
  /** Open connections at most (more are closed as they arrive). @default 1_024 */
  readonly maxConnections?: number;
  /** Inbound connections whose handshake has not completed, at most. @default 256 */
  readonly maxPendingHandshakes?: number;
  /** A handshake that takes longer fails (and the connection closes). @default 5_000 */
  readonly handshakeTimeoutMs?: number;
  /** A dial whose TCP (and TLS) connection takes longer fails. @default 5_000 */
  readonly dialTimeoutMs?: number;
  /**
   * A connection that hears nothing for this long is closed (`timeout`): this detects half-open
   * connections. One timer per transport checks its open connections every third of it, so the
   * close comes at most a third later; a connection that wrote nothing for a third of it sends
   * a heartbeat then.
   * @default 30_000
   */
  readonly idleTimeoutMs?: number;
  /** TCP keepalive initial delay (`0` disables keepalive). @default 15_000 */
  readonly keepAliveMs?: number;
  /** First reconnect delay ceiling (full jitter). @default 100 */
  readonly reconnectBaseMs?: number;
  /** Largest reconnect delay ceiling. @default 10_000 */
  readonly reconnectCapMs?: number;
  /**
   * Consecutive failed dials after which a peer's queue is dropped (cause `unreachable`); the
   * next `send` starts over.
   * @default 8
   */
  readonly maxDialAttempts?: number;
  /** The clock of every timeout and backoff. @default realClock() */
  readonly clock?: Clock;
  /** Randomness for backoff jitter. @default a generator seeded from crypto */
  readonly random?: Random;
}

/** {@link TcpTransportOptions} with every default applied and every value checked. */
export interface ResolvedTcpOptions {
  readonly localId: NodeId;
  readonly clusterLabel: Uint8Array;
  readonly clusterLabelText: string;
  readonly versionMin: number;
  readonly versionMax: number;
  readonly tls: TcpTlsOptions | undefined;
  readonly bindNodeId: boolean;
  readonly capabilities: CapabilityRegistry<Record<string, unknown>> | undefined;
  readonly addressBook: AddressBook;
  readonly advertiseAddress: string | undefined;
  readonly registry: MessageRegistry;
  readonly maxFrameBytes: number;
  readonly maxQueuedFrames: number;
  readonly maxQueuedBytes: number;
  readonly onMessage: ((from: PeerId, message: Message) => void) | undefined;
  readonly maxInboxMessages: number;
  readonly maxPartialFrameBytes: number;
  readonly maxConnections: number;
  readonly maxPendingHandshakes: number;
  readonly handshakeTimeoutMs: number;
  readonly dialTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectCapMs: number;
  readonly maxDialAttempts: number;
  readonly clock: Clock;
  readonly random: Random;
}

function invalid(message: string): never {
  throw new TalaError('InvalidArgument', `TcpTransport: ${message}`);
}

function positiveInt(value: number | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) invalid(`${name} must be an integer ≥ ${min}`);
  return value;
}

function cryptoSeededRandom(): Random {
  const seed = new Uint32Array(2);
  globalThis.crypto.getRandomValues(seed);
  return seededRandom((seed[0]! & 0x1f_ffff) * 0x1_0000_0000 + seed[1]!);
}

function checkedLabel(label: string): Uint8Array {
  if (typeof label !== 'string' || !/^[\x20-\x7e]*$/.test(label)) {
    invalid('clusterLabel must be printable ASCII');
  }
  if (label.length > MAX_CLUSTER_LABEL_BYTES) {
    invalid(`clusterLabel must be at most ${MAX_CLUSTER_LABEL_BYTES} characters`);
  }
  return new TextEncoder().encode(label);
}

function checkedVersions(versions: readonly [number, number] | undefined): [number, number] {
  if (versions === undefined) return [1, 1];
  const [min, max] = versions;
  const u16 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffff;
  if (!u16(min) || !u16(max) || min > max) invalid('versions must be [min, max] in 0 … 65535');
  return [min, max];
}

function checkedAdvertiseAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  if (
    typeof address !== 'string' ||
    !isAddress(address) ||
    new TextEncoder().encode(address).length > MAX_LISTEN_ADDRESS_BYTES
  ) {
    invalid(`advertiseAddress must be a host:port of at most ${MAX_LISTEN_ADDRESS_BYTES} bytes`);
  }
  return address;
}

/** Applies the defaults of {@link TcpTransportOptions} and checks every value. */
export function resolveTcpOptions(options: TcpTransportOptions): ResolvedTcpOptions {
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  const { localId } = options;
  if (typeof localId !== 'bigint' || localId < 0n || localId > 0xffff_ffff_ffff_ffffn) {
    invalid('localId must be a NodeId');
  }
  const clusterLabelText = options.clusterLabel ?? 'tala-net';
  const [versionMin, versionMax] = checkedVersions(options.versions);
  const idleTimeoutMs = positiveInt(options.idleTimeoutMs, 30_000, 'idleTimeoutMs', 3);
  if (options.onMessage !== undefined && typeof options.onMessage !== 'function') {
    invalid('onMessage must be a function');
  }
  return {
    localId,
    clusterLabel: checkedLabel(clusterLabelText),
    clusterLabelText,
    versionMin,
    versionMax,
    tls: options.tls,
    bindNodeId: options.tls?.bindNodeId ?? true,
    capabilities: options.capabilities,
    addressBook: options.addressBook ?? new AddressBook(),
    advertiseAddress: checkedAdvertiseAddress(options.advertiseAddress),
    registry: options.registry ?? defaultRegistry,
    maxFrameBytes: positiveInt(options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, 'maxFrameBytes'),
    maxQueuedFrames: positiveInt(options.maxQueuedFrames, 65_536, 'maxQueuedFrames'),
    maxQueuedBytes: positiveInt(options.maxQueuedBytes, 32 * 1024 * 1024, 'maxQueuedBytes'),
    onMessage: options.onMessage,
    maxInboxMessages: positiveInt(options.maxInboxMessages, 65_536, 'maxInboxMessages'),
    maxPartialFrameBytes: positiveInt(
      options.maxPartialFrameBytes,
      128 * 1024 * 1024,
      'maxPartialFrameBytes',
    ),
    maxConnections: positiveInt(options.maxConnections, 1_024, 'maxConnections'),
    maxPendingHandshakes: positiveInt(options.maxPendingHandshakes, 256, 'maxPendingHandshakes'),
    handshakeTimeoutMs: positiveInt(options.handshakeTimeoutMs, 5_000, 'handshakeTimeoutMs'),
    dialTimeoutMs: positiveInt(options.dialTimeoutMs, 5_000, 'dialTimeoutMs'),
    idleTimeoutMs,
    keepAliveMs: positiveInt(options.keepAliveMs, 15_000, 'keepAliveMs', 0),
    reconnectBaseMs: positiveInt(options.reconnectBaseMs, 100, 'reconnectBaseMs'),
    reconnectCapMs: positiveInt(options.reconnectCapMs, 10_000, 'reconnectCapMs'),
    maxDialAttempts: positiveInt(options.maxDialAttempts, 8, 'maxDialAttempts'),
    clock: options.clock ?? realClock(),
    random: options.random ?? cryptoSeededRandom(),
  };
}
