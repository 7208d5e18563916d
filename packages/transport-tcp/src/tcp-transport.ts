import type { Server, Socket } from 'node:net';
import type { CapabilityAd } from '@tala-net/capability';
import {
  DEFAULT_MAX_FRAME_BYTES,
  defaultRegistry,
  type EncodeOptions,
  encode,
  encodedLength,
  HEADER_BYTES,
} from '@tala-net/codec';
import {
  type BufferedAmount,
  type DisconnectReason,
  type Message,
  type MessageHandler,
  type MessageHandlerOptions,
  type NodeId,
  PeerConnectEvent,
  PeerDisconnectEvent,
  type PeerId,
  RingQueue,
  TalaError,
  type TalaErrorCode,
  type TimerHandle,
  type Transport,
  type TransportCloseOptions,
  type TransportEventMap,
  TransportEventTarget,
  TransportMessageEvent,
  type TransportOperationOptions,
} from '@tala-net/types';
import {
  advertisedAddress,
  formatAddress,
  type HostPort,
  isAddress,
  parseAddress,
  readAddress,
} from './address.js';
import { backoffDelay } from './backoff.js';
import { Connection, type ConnectionHost, heartbeatInterval } from './connection.js';
import { EncodeSlab } from './encode-slab.js';
import {
  bytesOf,
  type HandshakeProblem,
  helloProblem,
  localCapabilities,
  parseCapabilities,
  refusalFor,
  textOf,
  welcomeProblem,
} from './handshake.js';
import {
  type HandshakeHello,
  type HandshakeRefusal,
  type HandshakeWelcome,
  RefusalCode,
  registerHandshakeMessages,
} from './handshake-messages.js';
import { LargeFrameMemory } from './large-frame-memory.js';
import { type OpenWaiter, Peer } from './peer.js';
import { connectSocket, createServer, peerSubjectAltName, readyEvent } from './sockets.js';
import { Counters, type TcpPeerStats, type TcpTransportStats } from './tcp-stats.js';
import {
  type ResolvedTcpOptions,
  resolveTcpOptions,
  type TcpTransportOptions,
} from './tcp-transport-options.js';
import { TlsHandshakeDeadlines } from './tls-handshake-deadlines.js';

declare module '@tala-net/types' {
  interface TalaErrorCodeMap {
    /** The peer refused the handshake (wrong cluster, no common version, identity, …). */
    HandshakeRefused: true;
  }
}

/** An outbound connection and the `dial()` waiting for it, if any. */
interface DialAttempt {
  readonly address: string;
  /**
   * The peer expected to answer: the one the dial serves a send for, or the one that turned out
   * to be dialling us back at the same time.
   */
  expected: NodeId | undefined;
  readonly waiter: OpenWaiter | undefined;
  /** Closes the connection if TCP (and TLS) did not connect in time. */
  timer: TimerHandle | undefined;
}

function errorOf(reason: DisconnectReason, detail: string): TalaError {
  const code: TalaErrorCode =
    reason === 'timeout'
      ? 'TimedOut'
      : reason === 'refused'
        ? 'HandshakeRefused'
        : reason === 'closed'
          ? 'Closed'
          : 'Unreachable';
  return new TalaError(code, `TcpTransport: ${detail}`);
}

function abortError(): TalaError {
  return new TalaError('Aborted', 'TcpTransport: aborted');
}

/**
 * A {@link Transport} over TCP, or mutual TLS: one connection per pair of nodes, opened by a
 * handshake (versions, cluster label, node ids, capabilities), frames through the codec, a
 * bounded queue per peer, coalesced writes that respect socket backpressure, heartbeats that
 * detect half-open connections, and redials with exponential backoff and full jitter.
 *
 * @example
 * ```ts
 * const a = new TcpTransport({ localId: NodeId(1) });
 * const b = new TcpTransport({ localId: NodeId(2) });
 * const address = await b.listen('127.0.0.1:0');
 * const received = new Promise((resolve) =>
 *   b.addEventListener('message', (event) => resolve(event.message), { once: true }),
 * );
 * await a.dial(address); // resolves with NodeId(2)
 * a.send(NodeId(2), { type: 'Ping', from: NodeId(1), seq: 1n });
 * await received; // { type: 'Ping', from: 1n, seq: 1n }
 * await Promise.all([a.close(), b.close()]);
 * ```
 */
export class TcpTransport extends TransportEventTarget<TransportEventMap> implements Transport {
  readonly localId: NodeId;
  readonly addressBook;
  readonly #options: ResolvedTcpOptions;
  readonly #bootId: bigint;
  readonly #host: ConnectionHost;
  readonly #peers = new Map<NodeId, Peer>();
  readonly #connections = new Set<Connection>();
  readonly #dials = new Map<Connection, DialAttempt>();
  readonly #totals = new Counters();
  /** Messages waiting for `recv()` (or for the next dispatch of `message` events). */
  readonly #inbox = new RingQueue<[PeerId, Message]>();
  #inboxScheduled = false;
  #pendingInbound = 0;
  /** Bytes of incomplete frames held by all connections' decoders. */
  #partialBytes = 0;
  #malformedFrames = 0;
  #skippedFrames = 0;
  #rejectedConnections = 0;
  #server: Server | undefined;
  #listening: Promise<string> | undefined;
  #address: string | undefined;
  /** The deadline of each inbound TLS handshake (TLS only). */
  #tlsDeadlines: TlsHandshakeDeadlines | undefined;
  /** The address this node's hellos give (see `advertiseAddress`). */
  #advertised: string | undefined;
  #closing: Promise<void> | undefined;
  readonly #toFlush = new Set<Peer>();
  /** The peer last flushed or sent to, so that a run of sends finds it without a map lookup. */
  #lastPeer: Peer | undefined;
  /** The peer whose flush was scheduled last (it is in `#toFlush` while a flush is pending). */
  #lastToFlush: Peer | undefined;
  readonly #slab = new EncodeSlab();
  readonly #largeFrames = new LargeFrameMemory();
  /** `undefined` with the default registry and frame limit: the codec's fastest path. */
  readonly #encodeOptions: EncodeOptions | undefined;
  #flushScheduled = false;
  /** The next sweep of the open connections (heartbeats, idle timeouts), while any is open. */
  #sweepTimer: TimerHandle | undefined;
  readonly #onSweep = (): void => this.#sweep();
  /** The handlers of {@link TcpTransport.addMessageHandler}, by message type (replaced, never changed). */
  readonly #handlers = new Map<string, readonly MessageHandler[]>();

  constructor(options: TcpTransportOptions) {
    super();
    this.#options = resolveTcpOptions(options);
    this.localId = this.#options.localId;
    this.addressBook = this.#options.addressBook;
    this.#advertised = this.#options.advertiseAddress;
    const { random } = this.#options;
    this.#bootId =
      BigInt(random.nextInt(0x1_0000_0000)) * 0x1_0000_0000n +
      BigInt(random.nextInt(0x1_0000_0000));
    registerHandshakeMessages(this.#options.registry);
    const { registry, maxFrameBytes } = this.#options;
    this.#encodeOptions =
      registry === defaultRegistry && maxFrameBytes === DEFAULT_MAX_FRAME_BYTES
        ? undefined
        : { registry, maxFrameBytes };
    this.#host = {
      onHandshake: (connection, message) => this.#onHandshake(connection, message),
      onMessage: (connection, message) => this.#onMessage(connection, message),
      onWritable: (connection) => this.#onWritable(connection),
      onClosed: (connection, reason, detail) => this.#onClosed(connection, reason, detail),
      onSkipped: () => this.#onSkipped(),
      onLargeChunkWritten: (chunk) => {
        // After close() nothing is kept for reuse.
        if (!this.closed) this.#largeFrames.giveBack(chunk);
      },
      onPartialBytes: (delta) => {
        this.#partialBytes += delta;
        return delta < 0 || this.#partialBytes <= this.#options.maxPartialFrameBytes;
      },
    };
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  get address(): string | undefined {
    return this.#address;
  }

  /**
   * The address this node's handshakes give its peers to reach it at: the `advertiseAddress`
   * option when given, else {@link TcpTransport.address} once listening, unless that is a
   * wildcard (`undefined` then).
   */
  get advertisedAddress(): string | undefined {
    return this.#advertised;
  }

  /** Counters of the whole transport. */
  get stats(): TcpTransportStats {
    let queuedFrames = 0;
    let queuedBytes = 0;
    let connections = 0;
    for (const peer of this.#peers.values()) {
      queuedFrames += peer.queue.frames;
      queuedBytes += peer.queue.bytes;
      if (peer.connection !== undefined) connections++;
    }
    return {
      ...this.#statsOf(this.#totals, queuedFrames, queuedBytes),
      connections,
      malformedFrames: this.#malformedFrames,
      skippedFrames: this.#skippedFrames,
      rejectedConnections: this.#rejectedConnections,
    };
  }

  /** Counters of one peer, or `undefined` for a peer this transport holds nothing for. */
  peerStats(peer: PeerId): TcpPeerStats | undefined {
    const state = this.#peers.get(peer);
    return state && this.#statsOf(state.counters, state.queue.frames, state.queue.bytes);
  }

  /** The peers with an open connection. */
  connectedPeers(): NodeId[] {
    return [...this.#peers.values()].filter((p) => p.connection !== undefined).map((p) => p.id);
  }

  listen(address = '127.0.0.1:0', options: TransportOperationOptions = {}): Promise<string> {
    if (this.closed) return Promise.reject(errorOf('closed', 'the transport is closed'));
    if (options.signal?.aborted === true) return Promise.reject(abortError());
    if (this.#listening !== undefined) return this.#listening;
    let host: string;
    let port: number;
    try {
      ({ host, port } = parseAddress(address));
    } catch (error) {
      return Promise.reject(error);
    }
    const { tls, maxConnections, maxPendingHandshakes, clock, handshakeTimeoutMs } = this.#options;
    const { server, connectionEvent } = createServer(tls, maxConnections + maxPendingHandshakes);
    this.#server = server;
    server.on(connectionEvent, (socket: Socket) => this.#accept(socket));
    server.on('drop', () => this.#rejectedConnections++);
    if (tls !== undefined) {
      const deadlines = new TlsHandshakeDeadlines(clock, handshakeTimeoutMs, () => {
        this.#totals.handshakeFailures++;
      });
      this.#tlsDeadlines = deadlines;
      server.on('connection', (socket: Socket) => deadlines.started(socket));
      server.on('tlsClientError', () => this.#totals.handshakeFailures++);
    }
    this.#listening = new Promise<string>((resolve, reject) => {
      const onAbort = (): void => {
        server.close();
        reject(abortError());
      };
      if (options.signal?.aborted === true) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      server.once('error', (error) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(
          new TalaError(
            'InvalidArgument',
            `TcpTransport: cannot listen on ${address}: ${error.message}`,
          ),
        );
      });
      server.listen({ host, port }, () => {
        options.signal?.removeEventListener('abort', onAbort);
        const bound = server.address();
        this.#address =
          typeof bound === 'object' && bound !== null ? formatAddress(host, bound.port) : address;
        this.#advertised = advertisedAddress(this.#options.advertiseAddress, host, this.#address);
        resolve(this.#address);
      });
    });
    return this.#listening;
  }

  dial(address: string, options: TransportOperationOptions = {}): Promise<NodeId> {
    if (this.closed) return Promise.reject(errorOf('closed', 'the transport is closed'));
    let to: HostPort;
    try {
      to = parseAddress(address);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.signal?.aborted === true) return Promise.reject(abortError());
    for (const peer of this.#peers.values()) {
      if (peer.connection !== undefined && this.addressBook.get(peer.id) === address) {
        return Promise.resolve(peer.id);
      }
    }
    return new Promise<NodeId>((resolve, reject) => {
      const onAbort = (): void => {
        connection.close('closed', 'the dial was aborted');
        reject(abortError());
      };
      const waiter: OpenWaiter = {
        resolve: (peer) => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve(peer);
        },
        reject: (error) => {
          options.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const connection = this.#startDial(address, to, undefined, waiter);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  send(to: PeerId, message: Message): void {
    if (this.closed) {
      this.#totals.closed++;
      return;
    }
    const peer = this.#peerToSend(to);
    if (peer === undefined) {
      // Checked all the same: a message the codec cannot encode throws, whoever it is for.
      this.#checkFrame(message);
      this.#totals.unknown++;
      return;
    }
    const { maxQueuedFrames, maxQueuedBytes } = this.#options;
    const queue = peer.queueForSending(maxQueuedFrames, maxQueuedBytes);
    if (!queue.push(message, this.#slab, this.#largeFrames, this.#encodeOptions)) {
      peer.counters.queueFull++;
      this.#totals.queueFull++;
      return;
    }
    if (peer.connection !== undefined) this.#scheduleFlush(peer);
    else this.#connect(peer);
  }

  /**
   * Throws the codec's `TalaError` when `message` cannot be encoded (`InvalidArgument`, or
   * `MessageTooLarge` over `maxFrameBytes`).
   */
  #checkFrame(message: Message): void {
    const length = encodedLength(message, this.#encodeOptions);
    if (length - HEADER_BYTES > this.#options.maxFrameBytes) encode(message, this.#encodeOptions);
  }

  broadcast(message: Message): void {
    const targets = new Set<NodeId>();
    for (const peer of this.#peers.values())
      if (peer.connection !== undefined) targets.add(peer.id);
    for (const [id] of this.addressBook.entries()) if (id !== this.localId) targets.add(id);
    for (const id of targets) this.send(id, message);
  }

  recv(): [from: PeerId, message: Message] | undefined {
    return this.#inbox.shift();
  }

  buffered(peer: PeerId): BufferedAmount {
    const last = this.#lastPeer;
    const state = last !== undefined && last.id === peer ? last : this.#peers.get(peer);
    // One object literal and no shared constant: a caller that only reads the two numbers (a
    // network checking its high-water marks on every send) lets the optimizer drop the object.
    return { frames: state?.bufferedFrames ?? 0, bytes: state?.bufferedBytes ?? 0 };
  }

  /**
   * Hands every message received whose `type` is one of `types` to `handler` from now on, as
   * its frame is decoded, in place of a `message` event or a place in the `recv()` queue: no
   * `Event` per message (see `Transport.addMessageHandler`). Several handlers of a type are
   * called in the order they were added; a handler already added for a type is not added again.
   * The `onMessage` option, when set, still receives every message. Until `signal` aborts.
   * Throws a `TalaError` (`InvalidArgument`) for a handler that is not a function or types that
   * are not strings.
   *
   * @example
   * ```ts
   * transport.addMessageHandler(['Ping'], (from, message) => console.log(from, message));
   * ```
   */
  addMessageHandler(
    types: readonly string[],
    handler: MessageHandler,
    options: MessageHandlerOptions = {},
  ): void {
    if (typeof handler !== 'function') {
      throw new TalaError('InvalidArgument', 'TcpTransport: a message handler must be a function');
    }
    if (!Array.isArray(types) || types.some((type) => typeof type !== 'string')) {
      throw new TalaError(
        'InvalidArgument',
        'TcpTransport: message types must be an array of strings',
      );
    }
    const { signal } = options;
    if (signal?.aborted === true) return;
    for (const type of types) {
      const handlers = this.#handlers.get(type) ?? [];
      if (!handlers.includes(handler)) this.#handlers.set(type, [...handlers, handler]);
    }
    signal?.addEventListener('abort', () => this.#removeHandler(types, handler), { once: true });
  }

  #removeHandler(types: readonly string[], handler: MessageHandler): void {
    for (const type of types) {
      const handlers = this.#handlers.get(type)?.filter((h) => h !== handler) ?? [];
      if (handlers.length > 0) this.#handlers.set(type, handlers);
      else this.#handlers.delete(type);
    }
  }

  drained(peer: PeerId, options: TransportOperationOptions = {}): Promise<void> {
    const state = this.#peers.get(peer);
    if (state === undefined || state.bufferedFrames === 0) return Promise.resolve();
    if (options.signal?.aborted === true) return Promise.reject(abortError());
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        state.drainWaiters = state.drainWaiters.filter((w) => w !== done);
        reject(abortError());
      };
      const done = (): void => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      state.addDrainWaiter(done);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(options: TransportCloseOptions = {}): Promise<void> {
    this.#closing ??= this.#shutDown(options);
    return this.#closing;
  }

  protected override listenerAdded(type: string): void {
    if (type === 'message' && this.#inbox.length > 0) this.#scheduleInboxDispatch();
  }

  // ——— connections ———

  #accept(socket: Socket): void {
    this.#tlsDeadlines?.completed(socket);
    if (
      this.closed ||
      this.#connections.size >= this.#options.maxConnections ||
      this.#pendingInbound >= this.#options.maxPendingHandshakes
    ) {
      this.#rejectedConnections++;
      socket.destroy();
      return;
    }
    this.#pendingInbound++;
    const connection = new Connection(socket, 'inbound', undefined, this.#options, this.#host);
    connection.totals = this.#totals;
    this.#connections.add(connection);
  }

  /** Dials `address` (read already as `to`). */
  #startDial(
    address: string,
    to: HostPort,
    expected: NodeId | undefined,
    waiter: OpenWaiter | undefined,
  ): Connection {
    const socket = connectSocket(to, this.#options.tls);
    const connection = new Connection(socket, 'outbound', address, this.#options, this.#host);
    connection.totals = this.#totals;
    this.#connections.add(connection);
    const attempt: DialAttempt = { address, expected, waiter, timer: undefined };
    this.#dials.set(connection, attempt);
    const { clock, dialTimeoutMs } = this.#options;
    attempt.timer = clock.setTimer(clock.now() + dialTimeoutMs, () => {
      attempt.timer = undefined;
      connection.close('timeout', `could not connect to ${address} within ${dialTimeoutMs} ms`);
    });
    socket.once(readyEvent(this.#options.tls), () => {
      if (attempt.timer !== undefined) clock.clearTimer(attempt.timer);
      attempt.timer = undefined;
    });
    connection.writeControl({
      type: 'HandshakeHello',
      versionMin: this.#options.versionMin,
      versionMax: this.#options.versionMax,
      from: this.localId,
      bootId: this.#bootId,
      clusterLabel: this.#options.clusterLabel,
      listenAddress: bytesOf(this.#advertised ?? ''),
      capabilities: localCapabilities(this.#options),
    });
    return connection;
  }

  /** Dials `peer` now, or after its backoff when its last dial failed. */
  #connect(peer: Peer): void {
    if (peer.connection !== undefined || peer.dialing !== undefined || peer.redial !== undefined)
      return;
    if (peer.failedDials > 0) {
      this.#scheduleRedial(peer);
      return;
    }
    this.#dialPeer(peer);
  }

  /**
   * Dials `peer` at its address in the book. A peer without one, or with one that is not a
   * `host:port` (the book may be fed by peers), cannot be reached: what waits for it is dropped.
   */
  #dialPeer(peer: Peer): void {
    const address = this.addressBook.get(peer.id);
    if (address === undefined) {
      this.#giveUp(peer, 'unknown', `no address for node ${peer.id}`);
      return;
    }
    const to = readAddress(address);
    if (to === undefined) {
      const detail = `node ${peer.id} has an address that is not host:port: ${JSON.stringify(address)}`;
      this.reportError(
        new TalaError('InvalidArgument', `TcpTransport: ${detail}`),
        `peer:${peer.id}`,
      );
      this.#giveUp(peer, 'unreachable', detail);
      return;
    }
    peer.dialing = this.#startDial(address, to, peer.id, undefined);
  }

  /** Drops what waits for `peer` (queued frames, dial() calls waiting for it to open). */
  #giveUp(peer: Peer, cause: 'unknown' | 'unreachable', detail: string): void {
    this.#dropQueue(peer, cause);
    const error = new TalaError('Unreachable', `TcpTransport: ${detail}`);
    for (const waiter of peer.takeOpenWaiters()) waiter.reject(error);
  }

  #scheduleRedial(peer: Peer): void {
    if (this.closed || peer.redial !== undefined || peer.dialing !== undefined) return;
    const { clock, reconnectBaseMs, reconnectCapMs, random } = this.#options;
    const delay = backoffDelay(peer.failedDials - 1, reconnectBaseMs, reconnectCapMs, random);
    peer.redial = clock.setTimer(clock.now() + delay, () => {
      peer.redial = undefined;
      const waiting = peer.queue.frames > 0 || peer.openWaiters.length > 0;
      if (this.closed || peer.connection !== undefined || !waiting) {
        this.#forgetIfIdle(peer);
        return;
      }
      this.#dialPeer(peer);
    });
  }

  #onHandshake(connection: Connection, message: Message): void {
    if (connection.direction === 'inbound' && message.type === 'HandshakeHello') {
      this.#onHello(connection, message);
    } else if (connection.direction === 'outbound' && message.type === 'HandshakeWelcome') {
      this.#onWelcome(connection, message);
    } else if (connection.direction === 'outbound' && message.type === 'HandshakeRefusal') {
      this.#onRefusal(connection, message);
    } else {
      connection.close('protocol', `a ${message.type} before the handshake completed`);
    }
  }

  #refuse(connection: Connection, problem: HandshakeProblem): void {
    if (problem.code !== RefusalCode.Duplicate) {
      this.reportError(
        new TalaError('HandshakeRefused', `TcpTransport: refused a handshake: ${problem.detail}`),
        'handshake',
      );
    }
    connection.writeControl(refusalFor(this.#options, problem));
    // A duplicate is no failure: the pair keeps another connection.
    const reason = problem.code === RefusalCode.Duplicate ? 'replaced' : 'refused';
    connection.closeAfterWrites(reason, problem.detail);
  }

  #onHello(connection: Connection, hello: HandshakeHello): void {
    const problem = this.closed
      ? { code: RefusalCode.Closing, detail: 'closing' }
      : helloProblem(this.#options, hello, peerSubjectAltName(connection.socket));
    const parsed = problem === undefined ? parseCapabilities(hello.capabilities) : { problem };
    if ('problem' in parsed) {
      this.#refuse(connection, parsed.problem);
      return;
    }
    const peer = this.#peerFor(hello.from);
    // What a peer says it listens on is kept only when it can be dialled.
    const advertised = textOf(hello.listenAddress);
    const listenAddress =
      advertised !== undefined && isAddress(advertised) ? advertised : undefined;
    this.#adoptDialTo(peer, listenAddress);
    if (this.#losingConnection(peer, connection, hello.from, hello.bootId) === connection) {
      this.#refuse(connection, {
        code: RefusalCode.Duplicate,
        detail: `node ${this.localId} and node ${hello.from} already have a connection`,
      });
      return;
    }
    const failed = this.#negotiate(peer, parsed.capabilities);
    if (failed !== undefined) {
      this.#refuse(connection, { code: RefusalCode.Malformed, detail: failed });
      return;
    }
    connection.writeControl({
      type: 'HandshakeWelcome',
      version: Math.min(this.#options.versionMax, hello.versionMax),
      from: this.localId,
      bootId: this.#bootId,
      capabilities: localCapabilities(this.#options),
    });
    if (listenAddress !== undefined) this.#learnAddress(hello.from, listenAddress);
    this.#open(peer, connection, hello.bootId, listenAddress);
  }

  #onWelcome(connection: Connection, welcome: HandshakeWelcome): void {
    const attempt = this.#dials.get(connection);
    const san = peerSubjectAltName(connection.socket);
    const problem = welcomeProblem(this.#options, welcome, attempt?.expected, san);
    const parsed = parseCapabilities(welcome.capabilities);
    if (problem !== undefined || 'problem' in parsed) {
      const { reason, detail } = problem ?? {
        reason: 'protocol' as const,
        detail: 'problem' in parsed ? parsed.problem.detail : '',
      };
      connection.close(reason, detail);
      return;
    }
    const peer = this.#peerFor(welcome.from);
    if (this.#losingConnection(peer, connection, this.localId, welcome.bootId) === connection) {
      // Another connection with the same peer wins: this dial resolves when it is open.
      if (attempt?.waiter !== undefined) {
        if (peer.connection !== undefined) attempt.waiter.resolve(peer.id);
        else peer.addOpenWaiter(attempt.waiter);
      }
      this.#dials.delete(connection);
      connection.close('replaced', 'another connection with the peer won');
      return;
    }
    const failed = this.#negotiate(peer, parsed.capabilities);
    if (failed !== undefined) {
      this.reportError(new TalaError('HandshakeRefused', `TcpTransport: ${failed}`), 'handshake');
      connection.close('protocol', failed);
      return;
    }
    if (attempt !== undefined) this.#learnAddress(welcome.from, attempt.address);
    this.#open(peer, connection, welcome.bootId, attempt?.address);
  }

  #onRefusal(connection: Connection, refusal: HandshakeRefusal): void {
    const detail = textOf(refusal.detail) ?? `refusal code ${refusal.code}`;
    if (refusal.code === RefusalCode.Duplicate) {
      // The peer keeps (or will open) the connection dialled by the lower id.
      const attempt = this.#dials.get(connection);
      this.#dials.delete(connection);
      const peer = this.#peerFor(refusal.from);
      if (peer.dialing === connection) peer.dialing = undefined;
      if (attempt?.waiter !== undefined) {
        if (peer.connection !== undefined) attempt.waiter.resolve(peer.id);
        else peer.addOpenWaiter(attempt.waiter);
      }
      connection.close('replaced', detail);
      // Should the peer's own connection never come (its dial fails), what waits here is sent
      // through a dial of ours after the backoff; a redial that finds the peer connected stops.
      if (peer.connection === undefined && (peer.queue.frames > 0 || peer.openWaiters.length > 0)) {
        peer.failedDials++;
        this.#scheduleRedial(peer);
      }
      return;
    }
    const message = `node ${refusal.from} refused the handshake: ${detail}`;
    this.reportError(new TalaError('HandshakeRefused', `TcpTransport: ${message}`), 'handshake');
    connection.close('refused', message);
  }

  /**
   * Attaches a running `dial(address)` of an address the peer says it listens on to that peer,
   * so that a hello arriving from the node being dialled is seen as a simultaneous dial.
   */
  #adoptDialTo(peer: Peer, listenAddress: string | undefined): void {
    if (peer.dialing !== undefined || peer.connection !== undefined || !listenAddress) return;
    for (const [connection, attempt] of this.#dials) {
      if (
        attempt.expected === undefined &&
        attempt.address === listenAddress &&
        connection.state === 'handshake'
      ) {
        attempt.expected = peer.id;
        peer.dialing = connection;
        return;
      }
    }
  }

  /**
   * Which of `candidate` (dialled by `candidateDialer`) and the peer's current connections must
   * close, so that each pair keeps one connection: a peer that restarted (a new boot id)
   * replaces the old connection; two connections of the same instances keep the one dialled
   * by the lower id; an inbound hello that meets our own running dial keeps the lower dialler's.
   * Closes the current connection when it loses and returns it; returns `candidate` when it
   * loses; `undefined` when nothing else existed.
   */
  #losingConnection(
    peer: Peer,
    candidate: Connection,
    candidateDialer: NodeId,
    bootId: bigint,
  ): Connection | undefined {
    const existing = peer.connection ?? (peer.dialing !== candidate ? peer.dialing : undefined);
    if (existing === undefined || existing === candidate) return undefined;
    const existingDialer = existing.direction === 'outbound' ? this.localId : peer.id;
    const restarted = existing.state === 'open' && existing.peerBootId !== bootId;
    // Two connections dialled by the same node: its peer keeps the one it opened first and
    // refuses the other, so the dialler keeps the one welcomed (an outbound candidate).
    const candidateLoses =
      existingDialer === candidateDialer
        ? candidate.direction === 'inbound'
        : existingDialer < candidateDialer;
    if (!restarted && candidateLoses) return candidate;
    if (peer.dialing === existing) {
      const attempt = this.#dials.get(existing);
      if (attempt?.waiter !== undefined) peer.addOpenWaiter(attempt.waiter);
      this.#dials.delete(existing);
      peer.dialing = undefined;
    }
    existing.close(
      'replaced',
      restarted ? 'the peer restarted' : 'a connection dialled by the lower id won',
    );
    return existing;
  }

  #open(peer: Peer, connection: Connection, bootId: bigint, address: string | undefined): void {
    if (connection.direction === 'inbound') this.#pendingInbound--;
    connection.open(peer.id, bootId);
    this.#scheduleSweep();
    connection.peerCounters = peer.counters;
    if (peer.dialing === connection) peer.dialing = undefined;
    peer.connection = connection;
    if (peer.everConnected) {
      peer.counters.reconnects++;
      this.#totals.reconnects++;
    }
    peer.everConnected = true;
    peer.failedDials = 0;
    if (peer.redial !== undefined) this.#options.clock.clearTimer(peer.redial);
    peer.redial = undefined;
    const attempt = this.#dials.get(connection);
    this.#dials.delete(connection);
    attempt?.waiter?.resolve(peer.id);
    for (const waiter of peer.takeOpenWaiters()) waiter.resolve(peer.id);
    this.dispatchEvent(new PeerConnectEvent(peer.id, address));
    if (peer.queue.frames > 0) this.#scheduleFlush(peer);
  }

  /**
   * Negotiates the capabilities of `peer` from its advertisement; a description of the failure
   * when the registry throws (a capability's `decodeValue` or `merge` refused the peer's values).
   */
  #negotiate(peer: Peer, capabilities: CapabilityAd): string | undefined {
    try {
      this.#options.capabilities?.negotiate(peer.id, capabilities);
      return undefined;
    } catch (error) {
      return `capabilities of node ${peer.id} could not be negotiated: ${(error as Error).message}`;
    }
  }

  #onClosed(connection: Connection, reason: DisconnectReason, detail: string): void {
    this.#connections.delete(connection);
    const attempt = this.#dials.get(connection);
    this.#dials.delete(connection);
    if (attempt?.timer !== undefined) this.#options.clock.clearTimer(attempt.timer);
    const id = connection.peerId;
    const peer = id === undefined ? undefined : this.#peers.get(id);
    if (peer !== undefined && peer.connection === connection) {
      this.#onOpenClosed(peer, reason, detail);
      return;
    }
    if (connection.direction === 'inbound') {
      this.#pendingInbound--;
      // Neither a duplicate nor a handshake cut short by close() is a failed handshake.
      if (reason !== 'replaced' && reason !== 'closed') this.#totals.handshakeFailures++;
      if (reason === 'protocol') this.#malformedFrames++;
      return;
    }
    this.#onDialFailed(connection, attempt, reason, detail);
  }

  #onOpenClosed(peer: Peer, reason: DisconnectReason, detail: string): void {
    peer.connection = undefined;
    this.#options.capabilities?.forget(peer.id);
    if (reason === 'protocol') {
      this.#malformedFrames++;
      this.reportError(
        new TalaError('SegmentCorrupted', `TcpTransport: node ${peer.id}: ${detail}`),
        `peer:${peer.id}`,
      );
    }
    this.dispatchEvent(new PeerDisconnectEvent(peer.id, reason, detail));
    if (this.closed || reason === 'replaced') return;
    if (peer.queue.frames > 0) {
      peer.failedDials = Math.max(peer.failedDials, 1);
      this.#scheduleRedial(peer);
    } else {
      peer.settleDrained(true);
      this.#forgetIfIdle(peer);
    }
  }

  #onDialFailed(
    connection: Connection,
    attempt: DialAttempt | undefined,
    reason: DisconnectReason,
    detail: string,
  ): void {
    const expected = attempt?.expected;
    const peer = expected === undefined ? undefined : this.#peers.get(expected);
    if (peer !== undefined && peer.dialing === connection) peer.dialing = undefined;
    if (reason === 'replaced') return;
    if (reason === 'refused' || reason === 'protocol' || connection.peerId !== undefined)
      this.#totals.handshakeFailures++;
    attempt?.waiter?.reject(errorOf(reason, detail));
    this.#totals.dialFailures++;
    if (peer !== undefined && this.closed) peer.settleDrained(true);
    if (peer === undefined || this.closed) return;
    peer.counters.handshakeFailures += reason === 'refused' ? 1 : 0;
    peer.counters.dialFailures++;
    peer.failedDials++;
    if (reason === 'refused' || peer.failedDials >= this.#options.maxDialAttempts) {
      this.#giveUp(peer, 'unreachable', `node ${peer.id}: ${detail}`);
      if (reason !== 'refused') peer.failedDials = 0;
      this.#forgetIfIdle(peer);
      return;
    }
    if (peer.queue.frames > 0) this.#scheduleRedial(peer);
  }

  #onSkipped(): void {
    this.#skippedFrames++;
  }

  /**
   * Arms the sweep of open connections, unless it is armed: one timer for the whole transport,
   * however many connections it holds.
   */
  #scheduleSweep(): void {
    if (this.#sweepTimer !== undefined || this.closed) return;
    const { clock } = this.#options;
    this.#sweepTimer = clock.setTimer(
      clock.now() + heartbeatInterval(this.#options),
      this.#onSweep,
    );
  }

  /** Visits every open connection (see `Connection.sweep`), then arms the next sweep if any is left. */
  #sweep(): void {
    this.#sweepTimer = undefined;
    if (this.closed) return;
    this.#largeFrames.sweep();
    const now = this.#options.clock.now();
    let open = false;
    for (const connection of this.#connections) {
      if (connection.state !== 'open') continue;
      connection.sweep(now);
      if (connection.state === 'open') open = true;
    }
    if (open) this.#scheduleSweep();
    else this.#largeFrames.clear();
  }

  // ——— sending ———

  #peerToSend(to: PeerId): Peer | undefined {
    const last = this.#lastPeer;
    if (last !== undefined && last.id === to) return last;
    const peer = this.#peers.get(to);
    if (peer !== undefined) {
      this.#lastPeer = peer;
      return peer;
    }
    if (to === this.localId || !this.addressBook.has(to)) return undefined;
    return this.#peerFor(to);
  }

  #peerFor(id: NodeId): Peer {
    let peer = this.#peers.get(id);
    if (peer === undefined) {
      peer = new Peer(id);
      this.#peers.set(id, peer);
    }
    return peer;
  }

  #forgetIfIdle(peer: Peer): void {
    if (!peer.idle || this.addressBook.has(peer.id)) return;
    this.#peers.delete(peer.id);
    if (this.#lastPeer === peer) this.#lastPeer = undefined;
  }

  #learnAddress(id: NodeId, address: string): void {
    try {
      this.addressBook.set(id, address);
    } catch {
      // A full book or an unusable address: the peer stays reachable through its connection.
    }
  }

  #dropQueue(peer: Peer, cause: 'unknown' | 'unreachable' | 'closed'): void {
    const dropped = peer.queue.clear();
    peer.counters[cause] += dropped;
    this.#totals[cause] += dropped;
    peer.settleDrained(true);
  }

  #scheduleFlush(peer: Peer): void {
    if (this.#lastToFlush === peer) return;
    this.#lastToFlush = peer;
    this.#toFlush.add(peer);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#lastToFlush = undefined;
      if (this.#toFlush.size === 1) {
        const [only] = this.#toFlush;
        this.#toFlush.clear();
        this.#flush(only!);
        return;
      }
      // Taken before flushing, so that a flush scheduled meanwhile is kept for the next round.
      const peers = [...this.#toFlush];
      this.#toFlush.clear();
      for (const p of peers) this.#flush(p);
    });
  }

  #flush(peer: Peer): void {
    const connection = peer.connection;
    if (connection === undefined || !connection.writable || peer.queue.frames === 0) return;
    const { chunks, frames } = peer.queue.takeAll();
    connection.writeChunks(chunks, frames);
  }

  #onWritable(connection: Connection): void {
    const peer = connection.peerId === undefined ? undefined : this.#peers.get(connection.peerId);
    if (peer === undefined || peer.connection !== connection) return;
    this.#flush(peer);
    peer.settleDrained();
  }

  // ——— receiving ———

  #onMessage(connection: Connection, message: Message): void {
    if (this.closed) return;
    const from = connection.peerId!;
    const deliver = this.#options.onMessage;
    if (deliver !== undefined) {
      try {
        deliver(from, message);
      } catch (error) {
        this.listenerErrors++;
        this.reportError(error, 'onMessage');
      }
      return;
    }
    if (this.#handlers.size > 0) {
      const handlers = this.#handlers.get(message.type);
      if (handlers !== undefined) {
        this.#handOver(handlers, from, message);
        return;
      }
    }
    if (this.hasMessageListeners && this.#inbox.length === 0) {
      this.dispatchEvent(new TransportMessageEvent(from, message));
      return;
    }
    if (this.#inbox.length >= this.#options.maxInboxMessages) {
      this.#totals.inboxFull++;
      const peer = this.#peers.get(from);
      if (peer !== undefined) peer.counters.inboxFull++;
      return;
    }
    this.#inbox.push([from, message]);
    if (this.hasMessageListeners) this.#scheduleInboxDispatch();
  }

  #handOver(handlers: readonly MessageHandler[], from: PeerId, message: Message): void {
    for (const handler of handlers) {
      if (this.closed) return;
      try {
        handler(from, message);
      } catch (error) {
        this.listenerErrors++;
        this.reportError(error, 'messageHandler');
      }
    }
  }

  #scheduleInboxDispatch(): void {
    if (this.#inboxScheduled) return;
    this.#inboxScheduled = true;
    queueMicrotask(() => {
      this.#inboxScheduled = false;
      while (this.hasMessageListeners && !this.closed) {
        const entry = this.recv();
        if (entry === undefined) return;
        this.dispatchEvent(new TransportMessageEvent(entry[0], entry[1]));
      }
    });
  }

  // ——— closing ———

  async #shutDown(options: TransportCloseOptions): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 2_000;
    // What waits for recv() is dropped at once: nothing is received after close().
    this.#inbox.clear();
    this.#server?.close();
    this.#tlsDeadlines?.clear();
    for (const peer of this.#peers.values()) {
      if (peer.redial !== undefined) this.#options.clock.clearTimer(peer.redial);
      peer.redial = undefined;
      // A peer being dialled gets its queue when its connection opens (within the deadline).
      if (peer.connection === undefined && peer.dialing === undefined)
        this.#dropQueue(peer, 'closed');
      else this.#flush(peer);
    }
    await this.#allDrained(timeoutMs, options.signal);
    if (this.#sweepTimer !== undefined) this.#options.clock.clearTimer(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#largeFrames.clear();
    for (const connection of [...this.#connections])
      connection.close('closed', 'the transport closed');
    for (const attempt of this.#dials.values())
      attempt.waiter?.reject(errorOf('closed', 'the transport closed'));
    this.#dials.clear();
    for (const peer of this.#peers.values()) {
      this.#dropQueue(peer, 'closed');
      for (const waiter of peer.takeOpenWaiters())
        waiter.reject(errorOf('closed', 'the transport closed'));
    }
    this.#inbox.clear();
    this.dispatchEvent(new Event('close'));
  }

  #allDrained(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const connected = [...this.#peers.values()].filter(
      (p) => (p.connection !== undefined || p.dialing !== undefined) && p.bufferedFrames > 0,
    );
    if (connected.length === 0 || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const { clock } = this.#options;
      const timer = clock.setTimer(clock.now() + timeoutMs, finish);
      signal?.addEventListener('abort', finish, { once: true });
      let left = connected.length;
      for (const peer of connected) {
        peer.addDrainWaiter(() => {
          if (--left === 0) finish();
        });
      }
      function finish(): void {
        clock.clearTimer(timer);
        signal?.removeEventListener('abort', finish);
        resolve();
      }
    });
  }

  #statsOf(counters: Counters, queuedFrames: number, queuedBytes: number): TcpPeerStats {
    return {
      bytesIn: counters.bytesIn,
      bytesOut: counters.bytesOut,
      framesIn: counters.framesIn,
      framesOut: counters.framesOut,
      reconnects: counters.reconnects,
      handshakeFailures: counters.handshakeFailures,
      dialFailures: counters.dialFailures,
      queuedFrames,
      queuedBytes,
      dropped: counters.dropped(),
    };
  }
}
