import { HEADER_BYTES } from '@tala-net/codec';
import {
  type BufferedAmount,
  type DisconnectReason,
  type ErrorReportEvent,
  type Message,
  type NodeId,
  type PeerConnectEvent,
  type PeerDisconnectEvent,
  type PeerId,
  SafeEventTarget,
  TalaError,
  type TimerHandle,
  type Transport,
} from '@tala-net/types';
import { channelId, checkChannelName } from './channel-id.js';
import { ChannelCounters, type ChannelDropCause, type NetworkMetrics } from './channel-metrics.js';
import { Conduit, type ConduitHost, type RequestOptions } from './conduit.js';
import { DeadlineQueue } from './deadline-queue.js';
import { ErrorCode } from './error-code.js';
import { metadataOf, NO_METADATA_ENTRIES, toMetadataEntries, utf8Length } from './metadata.js';
import { type NetworkDropCause, NetworkInstruments } from './network-instruments.js';
import {
  type ChannelMessage,
  type ChannelRequest,
  type ChannelResponse,
  channelMessageMessage,
  channelRequestMessage,
  channelResponseMessage,
  MAX_ERROR_MESSAGE_BYTES,
  messagePayloadLength,
  networkMessages,
  registerNetworkMessages,
  requestPayloadLength,
} from './network-messages.js';
import {
  type NetworkOptions,
  type ResolvedNetworkOptions,
  resolveNetworkOptions,
} from './network-options.js';
import { OutgoingMessages } from './outgoing-messages.js';
import { OutgoingRequest } from './outgoing-request.js';
import { PendingRequests } from './pending-requests.js';
import type { IncomingRequest, Processor } from './processor.js';
import { RequestError } from './request-error.js';
import { backoffMs, integerIn, MAX_TIMEOUT_MS, resolveRetry } from './retry.js';
import type { SendOptions, SendResult } from './send-result.js';

/** The request/response protocol version this network speaks. */
export const PROTOCOL_VERSION = 1;

/** Events of a {@link Network}: `error` reports a processor that threw (an `ErrorReportEvent`). */
export interface NetworkEventMap {
  /** A processor or a handler threw; routing goes on. */
  error: ErrorReportEvent;
}

/** Options of {@link Network.start}. */
export interface NetworkStartOptions {
  /**
   * Stops the network when it aborts.
   * @default undefined
   */
  readonly signal?: AbortSignal;
}

interface ChannelEntry {
  readonly name: string;
  readonly id: number;
  readonly processor: Processor;
  readonly counters: ChannelCounters;
  readonly conduit: Conduit;
}

/** Disconnect reasons after which a peer without an address counts as `ConnectionFailed`. */
const FAILURES: ReadonlySet<DisconnectReason> = new Set([
  'error',
  'refused',
  'timeout',
  'protocol',
]);
/** Most peers whose failed connection is remembered. */
const MAX_REMEMBERED_FAILURES = 65_536;
const EMPTY_PAYLOAD = new Uint8Array(0);
const MAX_CORRELATION_ID = BigInt(Number.MAX_SAFE_INTEGER);
/** The kinds besides `ChannelMessage` a network takes from a transport's message handler. */
const REQUEST_MESSAGE_TYPES: readonly string[] = networkMessages
  .map((kind) => kind.type)
  .filter((type) => type !== 'ChannelMessage');

/**
 * Channels, conduits and request/response over any `Transport` (in-process, simulated, TCP).
 *
 * - **Lifecycle.** `start({ signal })` attaches the network to its transport and resolves
 *   {@link Network.ready}; `stop()` (or the signal, or the transport closing) detaches it, fails
 *   the pending requests with `Closed` and resolves {@link Network.done}. Both are idempotent.
 *   Stopping does not close the transport.
 * - **Channels.** `register(name, processor)` gives the channel (1 … 64 printable ASCII
 *   characters, on the wire FNV-1a 32 of the name) its one processor and returns its
 *   {@link Conduit}; a second `register` of the name throws `ChannelInUse`, a name whose id
 *   another registered name has throws `ChannelIdCollision`; `unregister` frees it. A message
 *   or request for a channel without a processor is dropped and counted (a request is answered
 *   `UnknownTopic`).
 * - **Failures never stop routing.** A processor that throws is counted and reported as an
 *   `error` event; the next message is routed as usual.
 * - **Peers.** A peer is known while the transport has a connection to it (its `peer:connect`
 *   was seen, or it sent something) or an address for it in the transport's address book.
 *
 * @example
 * ```ts
 * const network = new Network({ transport });
 * await network.start();
 * const conduit = network.register('echo', { request: ({ payload }) => payload });
 * ```
 */
export class Network extends SafeEventTarget<NetworkEventMap> {
  /** Resolves once the network is running; rejects with `Closed` if it stops before it started. */
  readonly ready: Promise<void>;
  /** Resolves once the network has stopped. */
  readonly done: Promise<void>;
  readonly #options: ResolvedNetworkOptions;
  readonly #instruments: NetworkInstruments | undefined;
  readonly #byId = new Map<number, ChannelEntry>();
  readonly #byName = new Map<string, ChannelEntry>();
  readonly #counters = new Map<string, ChannelCounters>();
  readonly #pending: PendingRequests;
  /** How to end each request waiting between two attempts (when the network stops). */
  readonly #backingOff = new Set<() => void>();
  readonly #connected = new Set<NodeId>();
  /** A peer of `#connected` (the last one heard from or sent to): most frames skip the set. */
  #lastConnected: PeerId | undefined = undefined;
  /** The registered channel a conduit of which sent last: most sends skip the map. */
  #lastEntry: ChannelEntry | undefined = undefined;
  /** The registered channel that received last: most received frames skip the map. */
  #lastReceived: ChannelEntry | undefined = undefined;
  readonly #failed = new Map<NodeId, DisconnectReason>();
  readonly #listening = new AbortController();
  readonly #host: ConduitHost;
  readonly #outgoing: OutgoingMessages;
  /** The result of the last send the transport took (see `#sentTo`). */
  #lastSent: SendResult | undefined = undefined;
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  #unknownChannel = 0;
  #unsupportedVersion = 0;
  #late = 0;
  #duplicate = 0;
  #unmatched = 0;
  #processorErrors = 0;
  /** Requests whose processor has not answered yet (async). */
  #serving = 0;
  /** Attempt deadlines of the pending requests, and the one timer set for the earliest. */
  readonly #deadlines = new DeadlineQueue();
  #deadlineTimer: TimerHandle | undefined;
  #deadlineTimerAt = Number.POSITIVE_INFINITY;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #resolveDone!: () => void;

  /** Throws a `TalaError` (`InvalidArgument`) for invalid options. */
  constructor(options: NetworkOptions) {
    super();
    this.#options = resolveNetworkOptions(options);
    const { random } = this.#options;
    // A random first correlation id below 2^48: ids stay exact numbers for 2^53 − 2^48 requests.
    const firstId = random.nextInt(0x100_0000) * 0x100_0000 + random.nextInt(0x100_0000) + 1;
    this.#pending = new PendingRequests(this.#options.maxPendingRequests, firstId);
    this.#outgoing = new OutgoingMessages(this.#options.transport.localId);
    this.#instruments =
      this.#options.meter === undefined ? undefined : new NetworkInstruments(this.#options.meter);
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.done = new Promise<void>((resolve) => {
      this.#resolveDone = resolve;
    });
    this.#host = {
      send: (conduit, to, payload, sendOptions) => this.#send(conduit, to, payload, sendOptions),
      request: (conduit, to, payload, requestOptions) =>
        this.#request(conduit, to, payload, requestOptions),
    };
  }

  /** The transport the network sends and receives through. */
  get transport(): Transport {
    return this.#options.transport;
  }

  /** `true` between `start()` and `stop()`. */
  get running(): boolean {
    return this.#state === 'running';
  }

  /**
   * Attaches the network to its transport (registering its message kinds with the registry) and
   * returns {@link Network.ready}. Idempotent; after `stop()` it returns `ready` as it was.
   */
  start(options: NetworkStartOptions = {}): Promise<void> {
    if (this.#state !== 'idle') return this.ready;
    const { transport, registry } = this.#options;
    if (options.signal?.aborted === true || transport.closed) {
      void this.stop();
      return this.ready;
    }
    registerNetworkMessages(registry);
    this.#state = 'running';
    const signal = this.#listening.signal;
    // Messages that arrived before the start (or every message, on a transport without
    // message handlers) come as events.
    transport.addEventListener('message', (event) => this.#onMessage(event.from, event.message), {
      signal,
    });
    // Channel messages, the most numerous, go straight to their own method.
    transport.addMessageHandler?.(
      ['ChannelMessage'],
      (from, message) => {
        if (message.type === 'ChannelMessage') this.#onChannelMessage(from, message);
      },
      { signal },
    );
    transport.addMessageHandler?.(
      REQUEST_MESSAGE_TYPES,
      (from, message) => this.#onMessage(from, message),
      { signal },
    );
    transport.addEventListener('peer:connect', (event) => this.#onConnect(event), { signal });
    transport.addEventListener('peer:disconnect', (event) => this.#onDisconnect(event), {
      signal,
    });
    transport.addEventListener('close', () => void this.stop(), { signal });
    options.signal?.addEventListener('abort', () => void this.stop(), { once: true, signal });
    this.#resolveReady();
    return this.ready;
  }

  /**
   * Detaches the network from its transport, rejects every pending request with `Closed` and
   * returns {@link Network.done}. Idempotent. The transport stays open.
   */
  stop(): Promise<void> {
    if (this.#state === 'stopped') return this.done;
    if (this.#state === 'idle') {
      this.#rejectReady(new TalaError('Closed', 'Network: stopped before it started'));
    }
    this.#state = 'stopped';
    this.#listening.abort();
    if (this.#deadlineTimer !== undefined) this.#options.clock.clearTimer(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    this.#deadlines.clear();
    for (const request of this.#pending.takeAll()) request.settle(stoppedError());
    for (const stop of [...this.#backingOff]) stop();
    this.#resolveDone();
    return this.done;
  }

  /**
   * Gives `channel` its processor and returns the channel's {@link Conduit}. Throws a
   * `TalaError`: `InvalidArgument` for a bad name or processor, `ChannelInUse` when the channel
   * has a processor, `ChannelIdCollision` when another registered name has the same wire id.
   */
  register(channel: string, processor: Processor): Conduit {
    checkChannelName(channel);
    if (typeof processor !== 'object' || processor === null) {
      throw new TalaError('InvalidArgument', `register(${channel}): expected a processor object`);
    }
    if (this.#byName.has(channel)) {
      throw new TalaError('ChannelInUse', `register: channel ${channel} already has a processor`);
    }
    const id = channelId(channel);
    const other = this.#byId.get(id);
    if (other !== undefined) {
      throw new TalaError(
        'ChannelIdCollision',
        `register: channels ${channel} and ${other.name} have the same id 0x${id.toString(16)}`,
      );
    }
    const entry: ChannelEntry = {
      name: channel,
      id,
      processor,
      counters: this.#countersOf(channel),
      conduit: new Conduit(channel, this.#host),
    };
    this.#byName.set(channel, entry);
    this.#byId.set(id, entry);
    return entry.conduit;
  }

  /**
   * Frees `channel`: its processor gets nothing more and its conduit sends nothing more
   * (`Closed`); requests it sent before still get their responses. Returns `true` when the
   * channel had a processor.
   */
  unregister(channel: string): boolean {
    const entry = this.#byName.get(channel);
    if (entry === undefined) return false;
    this.#byName.delete(channel);
    this.#byId.delete(entry.id);
    if (this.#lastEntry === entry) this.#lastEntry = undefined;
    if (this.#lastReceived === entry) this.#lastReceived = undefined;
    return true;
  }

  /** A snapshot of the network's counters (see {@link NetworkMetrics}). */
  metrics(): NetworkMetrics {
    const channels: Record<string, ReturnType<ChannelCounters['snapshot']>> = {};
    for (const [name, counters] of this.#counters) channels[name] = counters.snapshot();
    return {
      channels,
      unknownChannel: this.#unknownChannel,
      unsupportedVersion: this.#unsupportedVersion,
      responsesDropped: {
        late: this.#late,
        duplicate: this.#duplicate,
        unmatched: this.#unmatched,
      },
      pendingRequests: this.#pending.size,
      processorErrors: this.#processorErrors,
    };
  }

  // ——— sending ———

  #entryOf(conduit: Conduit): ChannelEntry | undefined {
    const last = this.#lastEntry;
    if (last?.conduit === conduit) return last;
    const entry = this.#byName.get(conduit.channel);
    if (entry?.conduit !== conduit) return undefined;
    this.#lastEntry = entry;
    return entry;
  }

  #send(
    conduit: Conduit,
    to: PeerId,
    payload: Uint8Array,
    options: SendOptions | undefined,
  ): SendResult {
    // The peer of the last send the transport took is known to be a valid id.
    if (this.#lastSent?.to !== to) checkPeer(to);
    checkPayload(payload);
    const metadata =
      options === undefined ? NO_METADATA_ENTRIES : toMetadataEntries(options.metadata);
    const entry = this.#entryOf(conduit);
    if (entry === undefined) return this.#unregisteredSend(conduit, to);
    const bytes = HEADER_BYTES + messagePayloadLength(metadata, payload);
    // A new object per message: cheaper than filling a reused one, whose field writes need
    // write barriers (requests and responses, larger, are still filled in place).
    const message: ChannelMessage = {
      type: 'ChannelMessage',
      channel: entry.id,
      metadata,
      payload,
    };
    const error = this.#transmitFrame(entry.counters, entry.name, to, message, bytes);
    return error === undefined ? this.#sentTo(to) : { to, ok: false, error };
  }

  /** The result of a send on a conduit whose channel is no longer registered (a `closed` drop). */
  #unregisteredSend(conduit: Conduit, to: PeerId): SendResult {
    const { channel } = conduit;
    const error = new TalaError('Closed', `channel ${channel} is not registered`);
    const counters = this.#countersOf(channel);
    return { to, ok: false, error: this.#refused(counters, channel, 'closed', error) };
  }

  /**
   * The result of a send to `to` that the transport took: the one of the last such send when it
   * went to the same peer (results are frozen, so one serves a run of sends).
   */
  #sentTo(to: PeerId): SendResult {
    const last = this.#lastSent;
    if (last !== undefined && last.to === to) return last;
    const sent: SendResult = Object.freeze({ to, ok: true });
    this.#lastSent = sent;
    return sent;
  }

  /**
   * Hands `message`, of `bytes` encoded, to the transport unless the network knows it cannot be
   * sent; returns why it was not sent (counted as a drop), or `undefined` once it was.
   */
  #transmitFrame(
    counters: ChannelCounters,
    channel: string,
    to: PeerId,
    message: ChannelMessage | ChannelRequest | ChannelResponse,
    bytes: number,
  ): TalaError | undefined {
    const refusal = this.#refusalFor(to);
    if (refusal !== undefined) return this.#refused(counters, channel, refusal[0], refusal[1]);
    const { transport, maxMessageBytes } = this.#options;
    if (bytes - HEADER_BYTES > maxMessageBytes) {
      return this.#refused(counters, channel, 'tooLarge', tooLarge(bytes, maxMessageBytes));
    }
    try {
      transport.send(to, message);
    } catch (error) {
      return this.#sendThrew(counters, channel, error);
    }
    counters.messagesOut++;
    counters.bytesOut += bytes;
    this.#instruments?.transferred(channel, 'out', bytes);
    return undefined;
  }

  /** Why a transport's `send` threw (counted as a drop): it only throws for what it cannot encode. */
  #sendThrew(counters: ChannelCounters, channel: string, error: unknown): TalaError {
    const refused =
      error instanceof TalaError ? error : new TalaError('InvalidArgument', String(error));
    const cause = refused.code === 'MessageTooLarge' ? 'tooLarge' : 'closed';
    return this.#refused(counters, channel, cause, refused);
  }

  // The refusals are built out of line: the path of a frame that goes stays small enough for
  // the optimizer to inline it into the send.
  #refusalFor(to: PeerId): [ChannelDropCause, TalaError] | undefined {
    const { transport, maxBufferedBytes, maxBufferedFrames } = this.#options;
    if (this.#state !== 'running' || transport.closed) return notRunning();
    if (to !== this.#lastConnected) {
      const refusal = this.#peerRefusal(to);
      if (refusal !== undefined) return refusal;
    }
    const buffered = transport.buffered(to);
    if (buffered.frames >= maxBufferedFrames || buffered.bytes >= maxBufferedBytes) {
      return queueFull(to, buffered, maxBufferedFrames, maxBufferedBytes);
    }
    return undefined;
  }

  /** Why `to`, not the last peer found connected, cannot be sent to, if it cannot. */
  #peerRefusal(to: PeerId): [ChannelDropCause, TalaError] | undefined {
    const { transport } = this.#options;
    if (to === transport.localId) {
      return ['unknownPeer', new TalaError('UnknownPeer', `${to} is this node`)];
    }
    if (this.#connected.has(to)) this.#lastConnected = to;
    else if (!transport.addressBook.has(to)) return this.#unreachable(to);
    return undefined;
  }

  /** Why `to`, neither connected nor in the address book, cannot be sent to. */
  #unreachable(to: PeerId): [ChannelDropCause, TalaError] {
    const reason = this.#failed.get(to);
    return reason === undefined
      ? ['unknownPeer', new TalaError('UnknownPeer', `no connection to ${to} and no address`)]
      : [
          'connectionFailed',
          new TalaError('ConnectionFailed', `the connection to ${to} failed (${reason})`),
        ];
  }

  #refused(
    counters: ChannelCounters,
    channel: string,
    cause: ChannelDropCause,
    error: TalaError,
  ): TalaError {
    this.#drop(counters, channel, cause);
    return error;
  }

  #drop(counters: ChannelCounters, channel: string, cause: ChannelDropCause): void {
    counters.dropped[cause]++;
    this.#instruments?.dropped(channel, cause);
  }

  #networkDrop(cause: NetworkDropCause): void {
    this.#instruments?.networkDropped(cause);
  }

  // ——— requests ———

  #request(
    conduit: Conduit,
    to: PeerId,
    payload: Uint8Array,
    options: RequestOptions = {},
  ): Promise<Uint8Array> {
    let request: OutgoingRequest;
    try {
      request = this.#prepareRequest(conduit, to, payload, options);
    } catch (error) {
      return Promise.reject(error);
    }
    // One attempt needs no retry loop: its failure is final and counted when it settles.
    if (request.retry.attempts === 1) return this.#attempt(request, request.createdAt, true);
    return this.#attempts(request).catch((error: unknown) => {
      request.counters.requestsFailed++;
      throw error;
    });
  }

  /** Validates a request's arguments and builds it, or throws why it cannot be sent. */
  #prepareRequest(
    conduit: Conduit,
    to: PeerId,
    payload: Uint8Array,
    options: RequestOptions,
  ): OutgoingRequest {
    checkPeer(to);
    checkPayload(payload);
    const metadata = toMetadataEntries(options.metadata);
    const timeout = integerIn(
      options.timeout,
      this.#options.requestTimeoutMs,
      1,
      MAX_TIMEOUT_MS,
      'timeout',
    );
    const retry = resolveRetry(options.retry);
    const { signal } = options;
    const entry = this.#entryOf(conduit);
    if (entry === undefined) {
      throw new TalaError('Closed', `channel ${conduit.channel} is not registered`);
    }
    if (signal?.aborted === true) {
      entry.counters.requestsFailed++;
      throw abortedError(signal);
    }
    const bytes = HEADER_BYTES + requestPayloadLength(metadata, payload);
    if (bytes - HEADER_BYTES > this.#options.maxMessageBytes) {
      entry.counters.requestsFailed++;
      this.#drop(entry.counters, entry.name, 'tooLarge');
      throw tooLarge(bytes, this.#options.maxMessageBytes);
    }
    const now = this.#options.clock.now();
    const request = new OutgoingRequest(
      to,
      entry.name,
      entry.id,
      entry.counters,
      metadata,
      payload,
      bytes,
      now,
      now + timeout,
      retry,
      signal,
      this.#instruments,
    );
    if (signal !== undefined) {
      request.onAbort = () => {
        if (this.#pending.take(request.id, undefined, 'abandoned') === undefined) return;
        request.settle(abortedError(signal));
      };
    }
    return request;
  }

  async #attempts(request: OutgoingRequest): Promise<Uint8Array> {
    const { clock, random } = this.#options;
    const { retry, requestDeadline, signal } = request;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(request, clock.now(), false);
      } catch (error) {
        if (!(error instanceof RequestError) || !error.retriable || attempt >= retry.attempts) {
          throw error;
        }
        const delay = backoffMs(retry, attempt, () => random.next());
        if (clock.now() + delay >= requestDeadline) throw error;
        await this.#sleep(delay, signal);
      }
      // Aborted while the attempt failed (no listener was attached then): no more attempts.
      if (signal?.aborted === true) throw abortedError(signal);
    }
  }

  /**
   * One attempt of `request`, sent at `now`: sends it and waits for its response until the
   * attempt's deadline. A `final` attempt counts its failure in the channel's `requestsFailed`.
   */
  #attempt(request: OutgoingRequest, now: number, final: boolean): Promise<Uint8Array> {
    const pending = this.#pending;
    if (!pending.hasRoom()) {
      if (final) request.counters.requestsFailed++;
      return Promise.reject(
        new TalaError(
          'TooManyPendingRequests',
          `${pending.size} requests wait for a response, at most ${pending.max}`,
        ),
      );
    }
    const id = pending.nextId();
    const response = request.begin(id, now, final);
    // Waiting before sending: a transport may deliver the response during `send`.
    pending.add(request);
    const message = this.#outgoing.request(
      PROTOCOL_VERSION,
      BigInt(id),
      request.budgetMs,
      request.channelId,
      request.metadata,
      request.payload,
    );
    const refused = this.#transmitFrame(
      request.counters,
      request.channel,
      request.to,
      message,
      request.frameBytes,
    );
    this.#outgoing.release(message);
    if (refused !== undefined) {
      if (pending.take(id, undefined, 'abandoned') !== undefined) request.settle(refused);
      return response;
    }
    // The response may have arrived during `send` already.
    if (pending.has(id)) this.#expireAt(request.deadline, id);
    return response;
  }

  readonly #isPending = (id: number): boolean => this.#pending.has(id);

  /** Times request `id` out at `at`, through the one deadline timer. */
  #expireAt(at: number, id: number): void {
    const deadlines = this.#deadlines;
    deadlines.push(at, id);
    // Entries of answered requests wait in the heap until they come up: rebuild it when they
    // outnumber the pending requests, so that it stays bounded by them.
    if (deadlines.size > 2 * this.#pending.size + 1024) {
      deadlines.retain(this.#isPending);
    }
    if (at < this.#deadlineTimerAt) this.#armDeadlineTimer(at);
  }

  #armDeadlineTimer(at: number): void {
    const { clock } = this.#options;
    if (this.#deadlineTimer !== undefined) clock.clearTimer(this.#deadlineTimer);
    this.#deadlineTimerAt = at;
    this.#deadlineTimer = clock.setTimer(at, () => this.#expireDue());
  }

  /** Fails every request whose deadline has come with `RequestTimedOut`. */
  #expireDue(): void {
    this.#deadlineTimer = undefined;
    this.#deadlineTimerAt = Number.POSITIVE_INFINITY;
    const now = this.#options.clock.now();
    const deadlines = this.#deadlines;
    while (deadlines.earliest() <= now) {
      const request = this.#pending.take(deadlines.pop(), undefined, 'abandoned');
      if (request === undefined) continue;
      request.settle(
        new RequestError(
          ErrorCode.RequestTimedOut,
          `no response from ${request.to} within ${request.budgetMs} ms`,
        ),
      );
    }
    if (deadlines.size > 0 && this.#state === 'running') {
      this.#armDeadlineTimer(deadlines.earliest());
    }
  }

  /**
   * Waits `ms` between two attempts of a request; rejects with `Aborted` when `signal` aborts
   * (or already has), and with `Closed` when the network stops meanwhile.
   */
  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal));
    if (this.#state === 'stopped') return Promise.reject(stoppedError());
    const { clock } = this.#options;
    return new Promise<void>((resolve, reject) => {
      const end = (outcome: Error | undefined): void => {
        this.#backingOff.delete(stop);
        signal?.removeEventListener('abort', onAbort);
        clock.clearTimer(timer);
        if (outcome === undefined) resolve();
        else reject(outcome);
      };
      const onAbort = (): void => end(abortedError(signal!));
      const stop = (): void => end(stoppedError());
      const timer = clock.setTimer(clock.now() + ms, () => end(undefined));
      this.#backingOff.add(stop);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ——— receiving ———

  #onMessage(from: PeerId, message: Message): void {
    switch (message.type) {
      case 'ChannelMessage':
        this.#onChannelMessage(from, message);
        return;
      case 'ChannelRequest':
        this.#heardFrom(from);
        this.#onRequest(from, message);
        return;
      case 'ChannelResponse':
        this.#heardFrom(from);
        this.#onResponse(from, message);
        return;
      default:
    }
  }

  #heardFrom(peer: PeerId): void {
    if (peer !== this.#lastConnected) this.#heardFromAnother(peer);
  }

  #heardFromAnother(peer: PeerId): void {
    if (!this.#connected.has(peer)) {
      this.#connected.add(peer);
      this.#failed.delete(peer);
    }
    // Never this node: a send to the peer last heard from skips the check that refuses it.
    if (peer !== this.#options.transport.localId) this.#lastConnected = peer;
  }

  #onConnect(event: PeerConnectEvent): void {
    this.#connected.add(event.peer);
    this.#failed.delete(event.peer);
  }

  #onDisconnect(event: PeerDisconnectEvent): void {
    this.#connected.delete(event.peer);
    if (event.peer === this.#lastConnected) this.#lastConnected = undefined;
    if (!FAILURES.has(event.reason)) {
      this.#failed.delete(event.peer);
      return;
    }
    this.#failed.delete(event.peer);
    this.#failed.set(event.peer, event.reason);
    if (this.#failed.size > MAX_REMEMBERED_FAILURES) {
      this.#failed.delete(this.#failed.keys().next().value as NodeId);
    }
  }

  #received(entry: ChannelEntry, bytes: number): void {
    entry.counters.messagesIn++;
    entry.counters.bytesIn += bytes;
    this.#instruments?.transferred(entry.name, 'in', bytes);
  }

  /** The registered channel of wire id `id`: the one that received last without a map lookup. */
  #entryById(id: number): ChannelEntry | undefined {
    const last = this.#lastReceived;
    if (last !== undefined && last.id === id) return last;
    const entry = this.#byId.get(id);
    if (entry !== undefined) this.#lastReceived = entry;
    return entry;
  }

  #onChannelMessage(from: PeerId, message: ChannelMessage): void {
    this.#heardFrom(from);
    const entry = this.#entryById(message.channel);
    if (entry === undefined) {
      this.#unknownChannel++;
      this.#networkDrop('unknownChannel');
      return;
    }
    this.#received(entry, HEADER_BYTES + messagePayloadLength(message.metadata, message.payload));
    const { processor } = entry;
    if (processor.message === undefined) {
      this.#drop(entry.counters, entry.name, 'noHandler');
      return;
    }
    try {
      const result = processor.message({
        channel: entry.name,
        from,
        metadata: metadataOf(message.metadata),
        payload: message.payload,
      });
      if (isThenable(result)) {
        result.then(undefined, (error: unknown) => this.#processorFailed(entry, error, 'message'));
      }
    } catch (error) {
      this.#processorFailed(entry, error, 'message');
    }
  }

  #onRequest(from: PeerId, request: ChannelRequest): void {
    const { correlationId } = request;
    if (request.version !== PROTOCOL_VERSION) {
      this.#unsupportedVersion++;
      this.#networkDrop('unsupportedVersion');
      const detail = `version ${request.version} is not supported (only ${PROTOCOL_VERSION})`;
      this.#respondError(undefined, from, correlationId, ErrorCode.UnsupportedVersion, detail);
      return;
    }
    const entry = this.#entryById(request.channel);
    if (entry === undefined) {
      this.#unknownChannel++;
      this.#networkDrop('unknownChannel');
      const detail = `no processor for channel id 0x${request.channel.toString(16)}`;
      this.#respondError(undefined, from, correlationId, ErrorCode.UnknownTopic, detail);
      return;
    }
    this.#received(entry, frameLength(request));
    const refusal = this.#requestRefusal(entry, from, request);
    if (refusal !== undefined) {
      this.#respondError(entry, from, correlationId, refusal[0], refusal[1]);
      return;
    }
    const deadline = this.#options.clock.now() + request.budgetMs;
    this.#serve(entry, from, correlationId, deadline, {
      channel: entry.name,
      from,
      metadata: metadataOf(request.metadata),
      payload: request.payload,
      deadline,
    });
  }

  #requestRefusal(
    entry: ChannelEntry,
    from: PeerId,
    request: ChannelRequest,
  ): [ErrorCode, string] | undefined {
    if (request.source !== from) {
      return [ErrorCode.InvalidRequest, `source ${request.source} is not the sender ${from}`];
    }
    if (entry.processor.request === undefined) {
      this.#drop(entry.counters, entry.name, 'noHandler');
      return [ErrorCode.InvalidRequest, `channel ${entry.name} takes no requests`];
    }
    if (this.#serving >= this.#options.maxServingRequests) {
      this.#drop(entry.counters, entry.name, 'overloaded');
      return [
        ErrorCode.Unknown,
        `the responder is serving its maximum of ${this.#serving} requests`,
      ];
    }
    return undefined;
  }

  #serve(
    entry: ChannelEntry,
    from: PeerId,
    correlationId: bigint,
    deadline: number,
    incoming: IncomingRequest,
  ): void {
    let result: ReturnType<NonNullable<Processor['request']>>;
    try {
      result = entry.processor.request!(incoming);
    } catch (error) {
      this.#answerError(entry, from, correlationId, deadline, error);
      return;
    }
    // Most processors answer at once with bytes: no need to look for a `then` on them.
    if (result !== undefined && !(result instanceof Uint8Array) && isThenable(result)) {
      this.#serving++;
      result.then(
        (value) => {
          this.#serving--;
          this.#answer(entry, from, correlationId, deadline, value, true);
        },
        (error: unknown) => {
          this.#serving--;
          this.#answerError(entry, from, correlationId, deadline, error);
        },
      );
    } else {
      // Answered in the same turn it arrived: within any budget.
      this.#answer(entry, from, correlationId, deadline, result, false);
    }
  }

  #answer(
    entry: ChannelEntry,
    from: PeerId,
    correlationId: bigint,
    deadline: number,
    value: unknown,
    late: boolean,
  ): void {
    if (value !== undefined && !(value instanceof Uint8Array)) {
      const error = new TalaError(
        'InvalidArgument',
        `the ${entry.name} processor answered with ${typeof value}, not a Uint8Array`,
      );
      this.#answerError(entry, from, correlationId, deadline, error);
      return;
    }
    if (late && this.#options.clock.now() > deadline) {
      this.#drop(entry.counters, entry.name, 'expired');
      return;
    }
    const response = this.#outgoing.response(
      correlationId,
      ErrorCode.None,
      '',
      value ?? EMPTY_PAYLOAD,
    );
    const { counters, name } = entry;
    const refused = this.#transmitFrame(counters, name, from, response, frameLength(response));
    this.#outgoing.release(response);
    if (refused?.code === 'MessageTooLarge') {
      const detail = `the response is too large: ${refused.message}`;
      this.#respondError(entry, from, correlationId, ErrorCode.Unknown, detail);
    }
  }

  #answerError(
    entry: ChannelEntry,
    from: PeerId,
    correlationId: bigint,
    deadline: number,
    error: unknown,
  ): void {
    if (this.#options.clock.now() > deadline) {
      if (!(error instanceof RequestError)) this.#processorFailed(entry, error, 'request');
      this.#drop(entry.counters, entry.name, 'expired');
      return;
    }
    if (error instanceof RequestError) {
      this.#respondError(entry, from, correlationId, error.errorCode, error.message);
      return;
    }
    this.#processorFailed(entry, error, 'request');
    this.#respondError(entry, from, correlationId, ErrorCode.Unknown, 'the processor failed');
  }

  #respondError(
    entry: ChannelEntry | undefined,
    from: PeerId,
    correlationId: bigint,
    errorCode: number,
    message: string,
  ): void {
    const response = this.#outgoing.response(
      correlationId,
      errorCode,
      boundedErrorMessage(message),
      EMPTY_PAYLOAD,
    );
    const counters = entry?.counters ?? this.#unattributed;
    this.#transmitFrame(counters, entry?.name ?? '', from, response, frameLength(response));
    this.#outgoing.release(response);
  }

  /** Counters for responses sent for no channel (unknown channel or version). */
  readonly #unattributed = new ChannelCounters();

  #onResponse(from: PeerId, response: ChannelResponse): void {
    const { correlationId } = response;
    const id =
      correlationId > 0n && correlationId <= MAX_CORRELATION_ID ? Number(correlationId) : 0;
    const request = id === 0 ? undefined : this.#pending.take(id, from, 'answered');
    if (request === undefined) {
      this.#unmatchedResponse(id);
      return;
    }
    const { clock } = this.#options;
    const { counters, channel } = request;
    const bytes = frameLength(response);
    counters.messagesIn++;
    counters.bytesIn += bytes;
    const elapsed = clock.now() - request.sentAt;
    counters.latency.record(elapsed);
    if (this.#instruments !== undefined) {
      this.#instruments.transferred(channel, 'in', bytes);
      this.#instruments.duration(channel, elapsed);
    }
    request.settle(
      response.errorCode === ErrorCode.None
        ? response.payload
        : new RequestError(
            response.errorCode,
            response.errorMessage === ''
              ? `${from} answered error code ${response.errorCode}`
              : response.errorMessage,
          ),
    );
  }

  #unmatchedResponse(id: number): void {
    const why = id === 0 ? 'unmatched' : this.#pending.classify(id);
    if (why === 'late') {
      this.#late++;
      this.#networkDrop('lateResponse');
    } else if (why === 'duplicate') {
      this.#duplicate++;
      this.#networkDrop('duplicateResponse');
    } else {
      this.#unmatched++;
      this.#networkDrop('unmatchedResponse');
    }
  }

  #processorFailed(entry: ChannelEntry, error: unknown, what: 'message' | 'request'): void {
    entry.counters.processorErrors++;
    this.#processorErrors++;
    this.#instruments?.processorError(entry.name);
    this.reportError(error, `processor:${entry.name}:${what}`);
  }

  #countersOf(channel: string): ChannelCounters {
    let counters = this.#counters.get(channel);
    if (counters === undefined) {
      counters = new ChannelCounters();
      this.#counters.set(channel, counters);
    }
    return counters;
  }
}

/**
 * Encoded size of a message the network built from checked parts, from its definition's own
 * payload length (no second validation on the hot path).
 */
function frameLength(message: ChannelMessage | ChannelRequest | ChannelResponse): number {
  switch (message.type) {
    case 'ChannelMessage':
      return HEADER_BYTES + channelMessageMessage.payloadLength(message);
    case 'ChannelRequest':
      return HEADER_BYTES + channelRequestMessage.payloadLength(message);
    default:
      return HEADER_BYTES + channelResponseMessage.payloadLength(message);
  }
}

function checkPeer(to: unknown): asserts to is PeerId {
  if (typeof to !== 'bigint' || to < 0n || to > 0xffff_ffff_ffff_ffffn) {
    throw new TalaError('InvalidArgument', `expected a NodeId destination, found ${String(to)}`);
  }
}

function checkPayload(payload: unknown): asserts payload is Uint8Array {
  if (!(payload instanceof Uint8Array)) {
    throw new TalaError(
      'InvalidArgument',
      `expected a Uint8Array payload, found ${payload === null ? 'null' : typeof payload}`,
    );
  }
}

function notRunning(): [ChannelDropCause, TalaError] {
  return ['closed', new TalaError('Closed', 'the network is not running')];
}

function queueFull(
  to: PeerId,
  buffered: BufferedAmount,
  maxFrames: number,
  maxBytes: number,
): [ChannelDropCause, TalaError] {
  return [
    'queueFull',
    new TalaError(
      'QueueFull',
      `${buffered.frames} frames (${buffered.bytes} bytes) wait for ${to}, at most ${maxFrames} (${maxBytes} bytes)`,
    ),
  ];
}

function tooLarge(bytes: number, max: number): TalaError {
  return new TalaError(
    'MessageTooLarge',
    `a frame payload of ${bytes - HEADER_BYTES} bytes is over the limit of ${max} bytes`,
  );
}

function abortedError(signal: AbortSignal): TalaError {
  return new TalaError('Aborted', 'the request was aborted', { cause: signal.reason });
}

function stoppedError(): TalaError {
  return new TalaError('Closed', 'Network: stopped while the request was pending');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** `message` as an error message the wire carries: well-formed, at most 1,024 UTF-8 bytes. */
function boundedErrorMessage(message: string): string {
  const length = utf8Length(message);
  if (length >= 0 && length <= MAX_ERROR_MESSAGE_BYTES) return message;
  const wellFormed = message.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  // At most 4 bytes per code point.
  return Array.from(wellFormed)
    .slice(0, MAX_ERROR_MESSAGE_BYTES / 4)
    .join('');
}
