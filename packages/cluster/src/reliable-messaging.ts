import {
  type Clock,
  type NodeId,
  type PeerConnectEvent,
  type PeerDisconnectEvent,
  type PeerId,
  realClock,
  SafeEventTarget,
  seededRandom,
  type TimerHandle,
  type Transport,
  type TransportMessageEvent,
} from '@tala-net/types';
import {
  type ClusterData,
  type ClusterDataAck,
  clusterDataFrameBytes,
  registerClusterDataMessages,
} from './data-messages.js';
import {
  ClusterDataEvent,
  ClusterDataExpiredEvent,
  type ReliableMessagingEventMap,
} from './reliable-data-event.js';
import {
  type ReliableMessagingLimits,
  type ReliableMessagingOptions,
  reliableMessagingLimits,
} from './reliable-messaging-options.js';
import { SeenWindow } from './reliable-seen-window.js';
import { type UnconfirmedEntry, UnconfirmedMap } from './unconfirmed-map.js';

/**
 * Why `send` or `broadcast` did not take a message:
 *
 * - `full`: the unconfirmed map has no room for it (a bound per peer or in all);
 * - `tooLarge`: the payload exceeds `maxPayloadBytes`;
 * - `self`: the destination is this node;
 * - `stopped`: the messaging is not running.
 */
export type SendRefusal = 'full' | 'tooLarge' | 'self' | 'stopped';

/** What {@link ReliableMessaging.send} did: the message's sequence number, or why it refused. */
export type SendResult =
  | {
      /** The message was taken. */
      readonly ok: true;
      /** Its sequence number. */
      readonly seq: bigint;
    }
  | {
      /** The message was not taken. */
      readonly ok: false;
      /** Why. */
      readonly reason: SendRefusal;
    };

/**
 * What {@link ReliableMessaging.broadcast} did: the message's sequence number with the peers
 * that took it and those whose unconfirmed bounds refused it, or why nobody got it.
 */
export type BroadcastResult =
  | {
      /** The message was taken (possibly by no peer at all). */
      readonly ok: true;
      /** Its sequence number, the same for every peer. */
      readonly seq: bigint;
      /** The peers it is sent to. */
      readonly sentTo: readonly PeerId[];
      /** The peers whose unconfirmed bounds had no room for it. */
      readonly refused: readonly PeerId[];
    }
  | {
      /** Nobody got the message. */
      readonly ok: false;
      /** Why. */
      readonly reason: 'tooLarge' | 'stopped';
    };

/** Counters of a {@link ReliableMessaging}. */
export interface ReliableMessagingStats {
  /** Data frames handed to the transport (retransmissions and forwards included). */
  readonly dataSent: number;
  /** Data frames received (duplicates included). */
  readonly dataReceived: number;
  /** Acks sent (one per Data frame received). */
  readonly ackSent: number;
  /** Acks received (unknown ones included). */
  readonly ackReceived: number;
  /** Data frames sent and not yet acknowledged (entries of the unconfirmed map). */
  readonly unconfirmed: number;
  /** Bytes of those frames. */
  readonly unconfirmedBytes: number;
  /** Messages dispatched to the application as `data` events. */
  readonly delivered: number;
  /** Data frames received again (or behind the duplicate window), not delivered. */
  readonly duplicates: number;
  /** Data frames sent again after their timeout. */
  readonly retransmissions: number;
  /** Data frames forwarded to another peer in proxy mode. */
  readonly forwarded: number;
  /** Frames refused because the unconfirmed map was full (sends and forwards). */
  readonly refusedFull: number;
  /** Frames given up after `maxAttempts` sends without an ack. */
  readonly expired: number;
  /** Acks that matched nothing unconfirmed (late duplicates, or a confused peer). */
  readonly acksUnknown: number;
  /** Duplicate windows dropped because more than `maxSenders` senders were heard. */
  readonly sendersForgotten: number;
  /** Exceptions thrown by the transport while sending (caught, reported as `error` events). */
  readonly sendErrors: number;
  /**
   * Data or Ack messages with fields of the wrong type, ignored (only a transport that does not
   * pass messages through the codec can carry them).
   */
  readonly malformed: number;
}

function isU64(value: unknown): value is bigint {
  return typeof value === 'bigint' && BigInt.asUintN(64, value) === value;
}

function isWellFormedData(data: ClusterData): boolean {
  return isU64(data.sender) && isU64(data.seq) && data.payload instanceof Uint8Array;
}

function isWellFormedAck(ack: ClusterDataAck): boolean {
  return isU64(ack.sender) && isU64(ack.seq);
}

type Counter = Exclude<keyof ReliableMessagingStats, 'unconfirmed' | 'unconfirmedBytes'>;

/**
 * Reliable `Data`/`Ack` messaging over any `Transport` (Acki Nacki's node and proxy): each
 * message carries its sender and a sequence number, is acknowledged by every hop that receives
 * it, and is sent again after a timeout (doubling, up to `maxAttempts`) until then. Receivers
 * drop duplicates with a bounded window per sender, so the application sees each message once
 * (a `data` event); a frame given up is reported by an `expired` event.
 *
 * **Sequence numbers** are per sender instance, not per peer: a broadcast carries one number
 * to every peer, and each peer sees increasing numbers. The first is a random multiple of 2^32,
 * so a restarted node is recognised as a new instance.
 *
 * **Proxy mode** forwards each message seen for the first time, unchanged, to every connected
 * peer except the hop it came from and its sender. A node forwards a given message at most once,
 * so a message crosses each link at most once in each direction (plus retransmissions) in any
 * topology, triangles of proxies included: no loop, no storm.
 *
 * **Bounds.** The unconfirmed map is bounded per peer and in all, in frames and bytes; a frame
 * that does not fit is refused (`send` says `full`; a forward is skipped), counted in
 * `refusedFull`, and what already waits keeps its place. A frame unacknowledged after
 * `maxAttempts` sends is given up (`expired`). Receiver state is `seenWindow / 8` bytes for each
 * of at most `maxSenders` senders (1 MiB with the defaults). Nothing a peer sends makes it
 * store more. The price of bounded receiver state: a late copy from a sender that was
 * forgotten (more than `maxSenders` senders heard since) can be delivered again, and a message
 * that arrives more than `seenWindow` numbers behind its sender's newest is not delivered.
 *
 * @example
 * ```ts
 * const messaging = new ReliableMessaging({ transport, clock, proxy: false });
 * messaging.addEventListener('data', (event) => console.log(event.sender, event.payload));
 * messaging.start();
 * const result = messaging.send(NodeId(2), new TextEncoder().encode('hello'));
 * if (!result.ok) console.warn('not sent:', result.reason);
 * ```
 */
export class ReliableMessaging extends SafeEventTarget<ReliableMessagingEventMap> {
  /** This node's id. */
  readonly id: NodeId;
  /** `true` when received messages are forwarded to the other peers. */
  readonly proxy: boolean;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #limits: ReliableMessagingLimits;
  readonly #peersOption: (() => Iterable<PeerId>) | undefined;
  readonly #connected = new Set<PeerId>();
  readonly #unconfirmed: UnconfirmedMap;
  /** Duplicate windows by sender, least recently heard first. */
  readonly #seen = new Map<NodeId, SeenWindow>();
  readonly #signal: AbortSignal | undefined;
  readonly #counters: Record<Counter, number> = {
    dataSent: 0,
    dataReceived: 0,
    ackSent: 0,
    ackReceived: 0,
    delivered: 0,
    duplicates: 0,
    retransmissions: 0,
    forwarded: 0,
    refusedFull: 0,
    expired: 0,
    acksUnknown: 0,
    sendersForgotten: 0,
    sendErrors: 0,
    malformed: 0,
  };
  #nextSeq: bigint;
  #timer: TimerHandle | undefined;
  #running = false;

  readonly #onMessage = (event: TransportMessageEvent): void => {
    const { message } = event;
    if (message.type === 'ClusterData') {
      if (isWellFormedData(message)) this.#receiveData(event.from, message);
      else this.#counters.malformed++;
    } else if (message.type === 'ClusterDataAck') {
      if (isWellFormedAck(message)) this.#receiveAck(event.from, message);
      else this.#counters.malformed++;
    }
  };
  readonly #onConnect = (event: PeerConnectEvent): void => {
    this.#connected.add(event.peer);
  };
  readonly #onDisconnect = (event: PeerDisconnectEvent): void => {
    this.#connected.delete(event.peer);
  };
  readonly #onAbort = (): void => this.stop();

  /** Throws a `TalaError` (`InvalidArgument`) for a numeric option out of range. */
  constructor(options: ReliableMessagingOptions) {
    super();
    this.#limits = reliableMessagingLimits(options);
    this.#transport = options.transport;
    this.id = options.transport.localId;
    this.#clock = options.clock ?? realClock();
    this.proxy = options.proxy === true;
    this.#peersOption = options.peers;
    this.#signal = options.signal;
    this.#unconfirmed = new UnconfirmedMap({
      perPeer: this.#limits.maxUnconfirmedPerPeer,
      perPeerBytes: this.#limits.maxUnconfirmedBytesPerPeer,
      total: this.#limits.maxUnconfirmed,
      totalBytes: this.#limits.maxUnconfirmedBytes,
    });
    const random =
      options.random ?? seededRandom(globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!);
    this.#nextSeq = BigInt(random.nextInt(0x8000_0000)) << 32n;
    registerClusterDataMessages();
  }

  /** `true` between `start()` and `stop()`. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Starts receiving (and, in proxy mode, forwarding). Idempotent; starts again after `stop()`
   * (with the same sequence numbers going on); does nothing once the signal has aborted.
   */
  start(): void {
    if (this.#running || this.#signal?.aborted === true) return;
    this.#running = true;
    this.#transport.addEventListener('message', this.#onMessage);
    this.#transport.addEventListener('peer:connect', this.#onConnect);
    this.#transport.addEventListener('peer:disconnect', this.#onDisconnect);
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#armTimer();
  }

  /**
   * Stops receiving and retransmitting, and drops what is unconfirmed (not counted as expired).
   * Idempotent.
   */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#transport.removeEventListener('message', this.#onMessage);
    this.#transport.removeEventListener('peer:connect', this.#onConnect);
    this.#transport.removeEventListener('peer:disconnect', this.#onDisconnect);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#unconfirmed.clear();
    this.#connected.clear();
  }

  /** The peers `broadcast` and proxy forwarding reach now (see `ReliableMessagingOptions.peers`). */
  connectedPeers(): PeerId[] {
    const peers = this.#peersOption === undefined ? this.#connected : this.#peersOption();
    const result: PeerId[] = [];
    for (const peer of peers) if (peer !== this.id) result.push(peer);
    return result;
  }

  /** Counters (a snapshot). */
  get stats(): ReliableMessagingStats {
    return {
      ...this.#counters,
      unconfirmed: this.#unconfirmed.size,
      unconfirmedBytes: this.#unconfirmed.bytes,
    };
  }

  /**
   * Sends `payload` to `to` reliably (it is copied). Never throws for a delivery problem: the
   * result says whether the message was taken (and its sequence number) or why not.
   */
  send(to: PeerId, payload: Uint8Array): SendResult {
    const refusal = this.#checkPayload(payload);
    if (refusal !== undefined) return { ok: false, reason: refusal };
    if (to === this.id) return { ok: false, reason: 'self' };
    const frameBytes = clusterDataFrameBytes(payload.length);
    if (!this.#unconfirmed.fits(to, frameBytes)) {
      this.#counters.refusedFull++;
      return { ok: false, reason: 'full' };
    }
    const seq = this.#takeSeq();
    this.#transmit(to, this.id, seq, payload.slice(), frameBytes);
    return { ok: true, seq };
  }

  /**
   * Sends `payload` reliably to every connected peer, under one sequence number (so that proxies
   * recognise copies). Peers whose unconfirmed bounds have no room are listed in `refused`.
   */
  broadcast(payload: Uint8Array): BroadcastResult {
    const refusal = this.#checkPayload(payload);
    if (refusal === 'tooLarge' || refusal === 'stopped') return { ok: false, reason: refusal };
    const frameBytes = clusterDataFrameBytes(payload.length);
    const seq = this.#takeSeq();
    const copy = payload.slice();
    const sentTo: PeerId[] = [];
    const refused: PeerId[] = [];
    for (const peer of this.connectedPeers()) {
      if (this.#unconfirmed.fits(peer, frameBytes)) {
        this.#transmit(peer, this.id, seq, copy, frameBytes);
        sentTo.push(peer);
      } else {
        this.#counters.refusedFull++;
        refused.push(peer);
      }
    }
    return { ok: true, seq, sentTo, refused };
  }

  #checkPayload(payload: Uint8Array): SendRefusal | undefined {
    if (!this.#running) return 'stopped';
    if (!(payload instanceof Uint8Array) || payload.length > this.#limits.maxPayloadBytes) {
      return 'tooLarge';
    }
    return undefined;
  }

  #takeSeq(): bigint {
    const seq = this.#nextSeq;
    this.#nextSeq = BigInt.asUintN(64, seq + 1n);
    return seq;
  }

  /** Stores a new unconfirmed entry (which fits) and sends its first copy. */
  #transmit(
    peer: PeerId,
    sender: NodeId,
    seq: bigint,
    payload: Uint8Array,
    frameBytes: number,
  ): void {
    const entry: UnconfirmedEntry = {
      peer,
      sender,
      seq,
      payload,
      frameBytes,
      attempts: 0,
      dueAt: 0,
    };
    this.#unconfirmed.add(entry);
    this.#sendEntry(entry, this.#clock.now());
    this.#armTimer(entry.dueAt);
  }

  #sendEntry(entry: UnconfirmedEntry, now: number): void {
    entry.attempts++;
    const wait = this.#limits.retransmitAfterMs * 2 ** Math.min(entry.attempts - 1, 30);
    entry.dueAt = now + Math.min(wait, this.#limits.maxRetransmitAfterMs);
    this.#counters.dataSent++;
    this.#transportSend(entry.peer, {
      type: 'ClusterData',
      sender: entry.sender,
      seq: entry.seq,
      payload: entry.payload,
    });
  }

  #transportSend(to: PeerId, message: ClusterData | ClusterDataAck): void {
    try {
      this.#transport.send(to, message);
    } catch (error) {
      this.#counters.sendErrors++;
      this.reportError(error, 'transport:send');
    }
  }

  #receiveData(from: PeerId, data: ClusterData): void {
    this.#counters.dataReceived++;
    this.#counters.ackSent++;
    this.#transportSend(from, { type: 'ClusterDataAck', sender: data.sender, seq: data.seq });
    if (data.sender === this.id || this.#observe(data.sender, data.seq) !== 'new') {
      this.#counters.duplicates++;
      return;
    }
    this.#counters.delivered++;
    this.dispatchEvent(new ClusterDataEvent(data.sender, data.seq, data.payload, from));
    if (this.proxy && this.#running) this.#forward(from, data);
  }

  #observe(sender: NodeId, seq: bigint): string {
    let window = this.#seen.get(sender);
    if (window === undefined) {
      window = new SeenWindow(seq, this.#limits.seenWindow);
      if (this.#seen.size >= this.#limits.maxSenders) {
        const oldest = this.#seen.keys().next().value as NodeId;
        this.#seen.delete(oldest);
        this.#counters.sendersForgotten++;
      }
    } else {
      // Least recently heard first: move the sender to the end.
      this.#seen.delete(sender);
    }
    this.#seen.set(sender, window);
    return window.observe(seq);
  }

  #forward(from: PeerId, data: ClusterData): void {
    const frameBytes = clusterDataFrameBytes(data.payload.length);
    let copy: Uint8Array | undefined;
    for (const peer of this.connectedPeers()) {
      if (peer === from || peer === data.sender) continue;
      if (this.#unconfirmed.has(peer, data.sender, data.seq)) continue;
      if (!this.#unconfirmed.fits(peer, frameBytes)) {
        this.#counters.refusedFull++;
        continue;
      }
      copy ??= data.payload.slice();
      this.#counters.forwarded++;
      this.#transmit(peer, data.sender, data.seq, copy, frameBytes);
    }
  }

  #receiveAck(from: PeerId, ack: ClusterDataAck): void {
    this.#counters.ackReceived++;
    if (this.#unconfirmed.remove(from, ack.sender, ack.seq) === undefined) {
      this.#counters.acksUnknown++;
    }
  }

  /**
   * Sets the retransmission timer for `next`, the earliest due entry (none when nothing waits),
   * unless it is already set at or before it.
   */
  #armTimer(next = this.#unconfirmed.nextDue()): void {
    if (!this.#running) return;
    if (next === undefined || (this.#timer !== undefined && this.#timer.at <= next)) return;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = this.#clock.setTimer(next, this.#onTimer);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (!this.#running) return;
    const now = this.#clock.now();
    // Entries due a little later go now too, so that the timer fires once per burst.
    const horizon = now + this.#limits.retransmitAfterMs / 4;
    for (const entry of [...this.#unconfirmed.entries()]) {
      if (entry.dueAt > horizon) continue;
      if (entry.attempts >= this.#limits.maxAttempts) {
        this.#unconfirmed.remove(entry.peer, entry.sender, entry.seq);
        this.#counters.expired++;
        this.dispatchEvent(new ClusterDataExpiredEvent(entry.peer, entry.sender, entry.seq));
      } else {
        this.#counters.retransmissions++;
        this.#sendEntry(entry, now);
      }
    }
    this.#armTimer();
  };
}
