import {
  type BufferedAmount,
  type Message,
  type MessageType,
  type NodeId,
  type PeerId,
  type Random,
  seededRandom,
  TalaError,
} from '@tala-net/types';
import { copyMessage } from './copy-message.js';
import { DispatchScheduler } from './dispatch-scheduler.js';
import { InFlightCounts } from './in-flight-counts.js';
import { type InProcessLink, InProcessTransport } from './in-process-transport.js';
import {
  DEFAULT_LINK,
  type LinkOptions,
  type ResolvedLink,
  resolveLink,
  sampleLatency,
} from './link-options.js';
import { NetworkCuts, type PartitionHandle } from './network-cuts.js';
import { ScheduledDelivery } from './scheduled-delivery.js';
import { SimulatedCounters, type SimulatedNetworkStats } from './simulated-network-stats.js';
import { type DropCause, formatTrace, type TraceEvent, type TraceKind } from './trace.js';
import { NodeClock, type RunUntilIdleOptions, VirtualClock } from './virtual-clock.js';

/**
 * Encoder and decoder a {@link SimulatedNetwork} passes every message through, e.g.
 * `{ encode, decode }` from `@tala-net/codec`.
 */
export interface WireCodec {
  /** Encodes a message as the sender would put it on the wire. */
  encode(message: Message): Uint8Array;
  /** Decodes the bytes at delivery; what it throws is recorded as a `corrupt` drop. */
  decode(bytes: Uint8Array): Message;
}

/** Options of a {@link SimulatedNetwork}. */
export interface SimulatedNetworkOptions {
  /**
   * Seed of the one PRNG behind every random decision (latency, loss, duplication, reordering).
   * @default 1
   */
  readonly seed?: number;
  /**
   * The virtual clock to schedule deliveries on.
   * @default a new VirtualClock starting at 0
   */
  readonly clock?: VirtualClock;
  /**
   * Behaviour of every link without an override (see {@link SimulatedNetwork.setLink}).
   * @default fixed 1 ms latency, no jitter, no loss, no duplication, no reordering
   */
  readonly link?: LinkOptions;
  /**
   * When set, every message is encoded at send time and decoded at delivery: byte counts are
   * real and codec bugs surface. An encode failure throws out of `send`/`broadcast` (nothing is
   * counted); a decode failure drops the message with cause `corrupt` and records the error in
   * {@link SimulatedNetwork.wireErrors}, so the run goes on and the counters stay balanced.
   * Without it, messages are deep-copied (see `copyMessage`) and `stats.bytes` stays 0.
   * @default undefined
   */
  readonly wire?: WireCodec;
  /**
   * Most decode failures kept in {@link SimulatedNetwork.wireErrors} (the most recent ones;
   * {@link SimulatedNetwork.wireErrorCount} counts them all), so that a long run of bad frames
   * holds bounded memory.
   * @default 100
   */
  readonly maxWireErrors?: number;
  /**
   * Record a {@link TraceEvent} for every send, delivery, drop, duplicate and node event.
   * @default false
   */
  readonly trace?: boolean;
}

/** A decode failure of the `wire` codec, recorded by {@link SimulatedNetwork.wireErrors}. */
export interface WireError {
  /** Virtual time of the failed delivery, in ms. */
  readonly time: number;
  /** The sender. */
  readonly from: NodeId;
  /** The receiver. */
  readonly to: NodeId;
  /** What `decode` threw. */
  readonly error: unknown;
}

interface SimNode {
  readonly id: NodeId;
  readonly index: number;
  transport: InProcessTransport;
  clock: NodeClock;
  up: boolean;
  /** Incremented on every crash; deliveries scheduled before it are void. */
  epoch: number;
  /** Incremented on every crash; messages it sent before are dropped on arrival. */
  crashes: number;
  /** Deliveries scheduled to this node in the current epoch. */
  inFlightTo: number;
  /**
   * Per receiver index: messages from this node (any incarnation) scheduled and not yet arrived
   * or dropped, and their encoded bytes (with the `wire` codec): what `buffered()` reports.
   */
  readonly inFlight: InFlightCounts;
  /**
   * Per receiver index: the latest delivery time of a FIFO message, to keep order. An array, not
   * a Map: measured ~25% faster on the 1,000-node run, and V8 keeps it sparse when it is sparse.
   */
  fifoAt: number[];
  /** Per receiver index: this sender's link overrides. */
  readonly overrides: Map<number, LinkOptions>;
  readonly links: Map<number, ResolvedLink>;
}

/**
 * A simulated network on a {@link VirtualClock}: every message is delivered by a timer after a
 * latency drawn from its link's distribution, and may be lost, duplicated or reordered; links
 * can be overridden one by one, cut by symmetric or one-way partitions and healed; nodes can be
 * crashed (their pending deliveries and timers are discarded) and restarted with a fresh
 * transport. Every random decision comes from one seeded PRNG, so the same seed and scenario give
 * the same trace, byte for byte.
 *
 * Each node's transport is an {@link InProcessTransport} (typed `message` events or `recv()`),
 * and each node has its own clock view ({@link SimulatedNetwork.clockFor}) for its protocol
 * timers. Nothing happens until the simulation runs (`runFor`, `runUntil`, `runUntilIdle`,
 * `step`).
 *
 * @example
 * ```ts
 * const sim = new SimulatedNetwork({ seed: 7, link: { latency: { kind: 'fixed', ms: 5 } } });
 * const a = sim.addNode(NodeId(1));
 * const b = sim.addNode(NodeId(2));
 * a.send(NodeId(2), { type: 'Ping', from: NodeId(1), seq: 1n });
 * b.recv(); // undefined: in flight
 * sim.runFor(5);
 * b.recv(); // [1n, { type: 'Ping', from: 1n, seq: 1n }]
 * ```
 */
export class SimulatedNetwork {
  /** The virtual clock that runs the simulation. */
  readonly clock: VirtualClock;
  /** The seed of {@link SimulatedNetwork.random}. */
  readonly seed: number;
  /**
   * The simulation's one PRNG. Scenario code may draw from it too (e.g. to pick peers): the run
   * then stays a function of the seed.
   */
  readonly random: Random;

  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly addresses = new Map<string, SimNode>();
  private readonly nodeList: SimNode[] = [];
  private defaults: ResolvedLink;
  private readonly cuts = new NetworkCuts();
  private readonly wire: WireCodec | undefined;
  private decodeErrors: WireError[] = [];
  private readonly maxWireErrors: number;
  private decodeErrorCount = 0;
  private readonly traceEvents: TraceEvent[] | undefined;
  private readonly dispatcher = new DispatchScheduler();
  private readonly counters = new SimulatedCounters();
  /** What every scheduled delivery calls when it comes due (one function for all of them). */
  private readonly arrive = (delivery: ScheduledDelivery<SimNode>): void => this.deliver(delivery);

  private readonly link: InProcessLink = {
    route: (from, to, message) => {
      const sender = this.nodes.get(from.localId);
      if (sender === undefined || sender.transport !== from) return;
      this.route(sender, to, message, this.wire?.encode(message));
    },
    routeToAll: (from, message) => {
      const sender = this.nodes.get(from.localId);
      if (sender === undefined || sender.transport !== from) return;
      const bytes = this.wire?.encode(message);
      // Recipients are the nodes added before the broadcast began.
      const nodes = this.nodeList;
      for (let i = 0, count = nodes.length; i < count; i++) {
        const node = nodes[i]!;
        if (node !== sender) this.route(sender, node.id, message, bytes?.slice());
      }
    },
    scheduleDispatch: (transport) => this.dispatcher.schedule(transport),
    detach: (transport) => {
      const node = this.nodes.get(transport.localId);
      if (node !== undefined && node.transport === transport && node.up) {
        this.takeDown(node, 'close');
      }
    },
    dial: (from, address) => this.dial(from, address),
    idAt: (index) => this.nodeList[index]!.id,
    buffered: (from, peer) => {
      const receiver = this.nodes.get(peer);
      const sender = this.nodes.get(from.localId);
      if (receiver === undefined || sender === undefined) return NOTHING_BUFFERED;
      const frames = sender.inFlight.framesTo(receiver.index);
      if (frames === 0) return NOTHING_BUFFERED;
      return { frames, bytes: sender.inFlight.bytesTo(receiver.index) };
    },
    handedOver: (transport, from, message) => {
      this.counters.queued--;
      this.counters.delivered++;
      if (this.traceEvents !== undefined) {
        this.record('deliver', from, transport.localId, message.type);
      }
    },
    discarded: (transport, from, message) => {
      this.counters.queued--;
      this.drop('closed', from, transport.localId, message.type);
    },
  };

  constructor(options: SimulatedNetworkOptions = {}) {
    this.seed = options.seed ?? 1;
    this.random = seededRandom(this.seed);
    this.clock = options.clock ?? new VirtualClock();
    this.defaults = resolveLink(DEFAULT_LINK, options.link ?? {});
    this.wire = options.wire;
    this.maxWireErrors = checkedMaxWireErrors(options.maxWireErrors);
    this.traceEvents = options.trace === true ? [] : undefined;
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Adds node `id` and returns its transport. Adding a crashed or closed node restarts it (see
   * {@link SimulatedNetwork.restart}); adding a running node throws a `TalaError`
   * (`InvalidArgument`).
   */
  addNode(id: NodeId): InProcessTransport {
    const existing = this.nodes.get(id);
    if (existing !== undefined) {
      if (existing.up) {
        throw new TalaError('InvalidArgument', `SimulatedNetwork: node ${id} is already running`);
      }
      return this.restart(id);
    }
    const node: SimNode = {
      id,
      index: this.nodeList.length,
      transport: InProcessTransport.create(id, this.nodeList.length, 1, `sim:${id}`, this.link),
      clock: new NodeClock(this.clock),
      up: true,
      epoch: 0,
      crashes: 0,
      inFlightTo: 0,
      inFlight: new InFlightCounts(),
      fifoAt: [],
      overrides: new Map(),
      links: new Map(),
    };
    this.nodes.set(id, node);
    this.addresses.set(node.transport.address, node);
    this.nodeList.push(node);
    return node.transport;
  }

  /** Ids of every node ever added (running or not), in the order they were added. */
  nodeIds(): NodeId[] {
    return this.nodeList.map((node) => node.id);
  }

  /** Ids of the running nodes, in the order they were added. */
  liveNodeIds(): NodeId[] {
    return this.nodeList.filter((node) => node.up).map((node) => node.id);
  }

  /** `true` while node `id` is added and neither crashed nor closed. */
  isUp(id: NodeId): boolean {
    return this.nodes.get(id)?.up === true;
  }

  /** The current transport of node `id` (a new one after each restart). */
  transport(id: NodeId): InProcessTransport {
    return this.require(id).transport;
  }

  /**
   * Node `id`'s clock: the simulation's virtual time, with timers that a crash cancels. Give it
   * to the node's protocol code. After a restart the node has a new clock; the old one stays
   * stopped.
   */
  clockFor(id: NodeId): NodeClock {
    return this.require(id).clock;
  }

  /**
   * Crashes node `id`: its transport closes, messages in flight to it are discarded and
   * messages in flight from it are dropped when they arrive (both counted as `crashed`), later
   * messages to it are dropped, and its clock's timers are cancelled. Idempotent. (A graceful
   * `close()` of the transport differs only in that messages it already sent still arrive.)
   */
  crash(id: NodeId): void {
    const node = this.require(id);
    if (node.up) this.takeDown(node, 'crash');
  }

  /**
   * Restarts node `id` with a fresh transport and a fresh clock (crashing it first if it is
   * running) and returns the new transport. Nothing of the old incarnation survives, FIFO
   * ordering state included: the new incarnation's links start fresh in both directions.
   */
  restart(id: NodeId): InProcessTransport {
    const node = this.require(id);
    if (node.up) this.takeDown(node, 'crash');
    node.fifoAt = [];
    for (const other of this.nodeList) {
      // -Infinity never clamps; it keeps the arrays' shape (no holes punched by delete).
      if (other.fifoAt[node.index] !== undefined)
        other.fifoAt[node.index] = Number.NEGATIVE_INFINITY;
    }
    const incarnation = node.transport.incarnation + 1;
    node.transport = InProcessTransport.create(id, node.index, incarnation, `sim:${id}`, this.link);
    node.clock = new NodeClock(this.clock);
    node.up = true;
    this.record('restart', id);
    return node.transport;
  }

  /**
   * Cuts every link between a node of `a` and a node of `b`, both ways, until the returned
   * handle's `heal()` or {@link SimulatedNetwork.heal}. Messages already in flight across the
   * cut are dropped when they arrive.
   *
   * @example
   * ```ts
   * const cut = sim.partition([NodeId(1)], [NodeId(2)]);
   * sim.partition([NodeId(1)], [NodeId(3)]);
   * cut.heal(); // 1↔2 connected again, 1↔3 still cut
   * ```
   */
  partition(a: readonly NodeId[], b: readonly NodeId[]): PartitionHandle {
    return this.cut([
      [a, b],
      [b, a],
    ]);
  }

  /**
   * Cuts the links from every node of `from` to every node of `to`, one way only, until the
   * returned handle's `heal()` or {@link SimulatedNetwork.heal}.
   */
  partitionOneWay(from: readonly NodeId[], to: readonly NodeId[]): PartitionHandle {
    return this.cut([[from, to]]);
  }

  /** Removes every partition (to heal one cut only, use the handle `partition` returned). */
  heal(): void {
    this.cuts.clear();
    this.record('heal');
  }

  /**
   * The most recent decode failures of the `wire` codec (at most `maxWireErrors`), oldest
   * first; each one is also counted as a `corrupt` drop. Empty without the `wire` option.
   */
  get wireErrors(): readonly WireError[] {
    this.trimWireErrors();
    return this.decodeErrors;
  }

  /** Every decode failure of the `wire` codec so far, including those no longer kept. */
  get wireErrorCount(): number {
    return this.decodeErrorCount;
  }

  /** `true` when a message from `from` to `to` would currently not be cut by a partition. */
  connected(from: NodeId, to: NodeId): boolean {
    return !this.cuts.blocks(from, to);
  }

  /**
   * Overrides the behaviour of the link from `from` to `to` (one direction; call it twice for
   * both). Fields not given follow the network defaults.
   */
  setLink(from: NodeId, to: NodeId, options: LinkOptions): void {
    const sender = this.require(from);
    const receiver = this.require(to);
    const merged = { ...sender.overrides.get(receiver.index), ...options };
    sender.links.set(receiver.index, resolveLink(this.defaults, merged));
    sender.overrides.set(receiver.index, merged);
  }

  /** Removes the overrides of the link from `from` to `to`. */
  clearLink(from: NodeId, to: NodeId): void {
    const sender = this.require(from);
    const receiver = this.require(to);
    sender.overrides.delete(receiver.index);
    sender.links.delete(receiver.index);
  }

  /** Changes the defaults of every link (overrides keep their own fields). */
  setDefaultLink(options: LinkOptions): void {
    this.defaults = resolveLink(this.defaults, options);
    for (const node of this.nodeList) {
      for (const [index, override] of node.overrides) {
        node.links.set(index, resolveLink(this.defaults, override));
      }
    }
  }

  /** Counters since the network was created (see {@link SimulatedNetworkStats}). */
  get stats(): SimulatedNetworkStats {
    return this.counters.snapshot();
  }

  /** The recorded events (empty unless the network was created with `trace: true`). */
  get trace(): readonly TraceEvent[] {
    return this.traceEvents ?? [];
  }

  /** The recorded events as text, one line per event (see `formatTrace`). */
  traceText(): string {
    return formatTrace(this.trace);
  }

  /** Runs the next scheduled event (see {@link VirtualClock.step}). */
  step(): boolean {
    return this.clock.step();
  }

  /** Runs every event due at or before `time` (see {@link VirtualClock.runUntil}). */
  runUntil(time: number): number {
    return this.clock.runUntil(time);
  }

  /** Runs `ms` milliseconds of virtual time (see {@link VirtualClock.runFor}). */
  runFor(ms: number): number {
    return this.clock.runFor(ms);
  }

  /** Runs until nothing is scheduled (see {@link VirtualClock.runUntilIdle}). */
  runUntilIdle(options?: RunUntilIdleOptions): number {
    return this.clock.runUntilIdle(options);
  }

  /**
   * Runs `rounds` rounds of `intervalMs` each: calls `onRound(round)` (0-based) at the start of
   * each round, then runs the round's virtual time.
   */
  runRounds(rounds: number, intervalMs: number, onRound?: (round: number) => void): void {
    for (let round = 0; round < rounds; round++) {
      onRound?.(round);
      this.clock.runFor(intervalMs);
    }
  }

  private require(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) {
      throw new TalaError('InvalidArgument', `SimulatedNetwork: unknown node ${id}`);
    }
    return node;
  }

  private cut(pairs: (readonly [readonly NodeId[], readonly NodeId[]])[]): PartitionHandle {
    const handle = this.cuts.add(pairs, () => this.record('heal'));
    this.record('partition');
    return handle;
  }

  private takeDown(node: SimNode, kind: 'crash' | 'close'): void {
    node.up = false;
    node.epoch++;
    if (kind === 'crash') node.crashes++;
    this.counters.dropped.crashed += node.inFlightTo;
    this.counters.inFlight -= node.inFlightTo;
    node.inFlightTo = 0;
    this.forgetDeliveriesTo(node);
    node.clock.stop();
    this.record(kind, node.id);
    this.disconnectPeers(node, kind);
    // Closing drops what waits in the transport's queue (cause `closed`).
    void node.transport.close();
  }

  /** The deliveries scheduled to `node` are void: no sender has anything in flight to it. */
  private forgetDeliveriesTo(node: SimNode): void {
    const index = node.index;
    for (const sender of this.nodeList) {
      if (sender.inFlight.forget(index)) sender.transport.notifyDrained(node.id);
    }
  }

  /**
   * Ends `node`'s connections on its peers' side (reason `remote-closed`): at once after a
   * crash; after a graceful close, once what it sent before has arrived (the last FIFO delivery
   * to that peer), as a socket's end follows its data.
   */
  private disconnectPeers(node: SimNode, kind: 'crash' | 'close'): void {
    const closing = node.transport;
    const now = this.clock.now();
    for (const index of closing.links.indices()) {
      const remote = this.nodeList[index]!.transport;
      // A peer that restarted since is not connected to this transport any more.
      if (remote.incarnation !== closing.links.get(index)) continue;
      const lastAt = node.fifoAt[index];
      if (kind === 'crash' || lastAt === undefined || lastAt <= now) {
        remote.disconnect(closing, 'remote-closed');
      } else {
        this.clock.setTimer(lastAt, () => remote.disconnect(closing, 'remote-closed'));
      }
    }
  }

  /** Resolves `address` to a running node reachable both ways from `from`, and connects them. */
  private dial(from: InProcessTransport, address: string): NodeId {
    const sender = this.nodes.get(from.localId);
    const receiver = this.addresses.get(address);
    if (sender === undefined || sender.transport !== from || receiver === undefined) {
      throw new TalaError('Unreachable', `SimulatedNetwork: nobody listens on ${address}`);
    }
    if (receiver === sender) return sender.id;
    if (
      !receiver.up ||
      this.cuts.blocks(sender.id, receiver.id) ||
      this.cuts.blocks(receiver.id, sender.id)
    ) {
      throw new TalaError('Unreachable', `SimulatedNetwork: ${address} cannot be reached`);
    }
    this.connect(sender, receiver);
    return receiver.id;
  }

  /** Opens the connection between the current incarnations of `a` and `b`. */
  private connect(a: SimNode, b: SimNode): void {
    a.transport.connect(b.transport);
    b.transport.connect(a.transport);
  }

  private route(sender: SimNode, to: PeerId, message: Message, bytes: Uint8Array | undefined) {
    this.counters.sent++;
    this.record('send', sender.id, to, message.type);
    const receiver = this.nodes.get(to);
    if (receiver === undefined) return this.drop('unknown', sender.id, to, message.type);
    if (!receiver.up) return this.drop('crashed', sender.id, to, message.type);
    if (this.cuts.any && this.cuts.blocks(sender.id, to)) {
      return this.drop('partition', sender.id, to, message.type);
    }
    const transport = receiver.transport;
    if (
      (sender.transport.observesPeers || transport.observesPeers) &&
      sender.transport.links.get(receiver.index) !== transport.incarnation
    ) {
      this.connect(sender, receiver);
    }
    const link = sender.links.get(receiver.index) ?? this.defaults;
    if (link.loss > 0 && this.random.next() < link.loss) {
      return this.drop('loss', sender.id, to, message.type);
    }
    if (bytes !== undefined) this.counters.bytes += bytes.length;
    this.schedule(sender, receiver, link, message.type, bytes ?? copyMessage(message));
    if (link.duplicate > 0 && this.random.next() < link.duplicate) {
      this.counters.duplicated++;
      if (bytes !== undefined) this.counters.bytes += bytes.length;
      this.record('duplicate', sender.id, to, message.type);
      this.schedule(sender, receiver, link, message.type, bytes?.slice() ?? copyMessage(message));
    }
  }

  private schedule(
    sender: SimNode,
    receiver: SimNode,
    link: ResolvedLink,
    type: MessageType,
    payload: Message | Uint8Array,
  ): void {
    const random = this.random;
    let delay = sampleLatency(link.latency, random);
    if (link.jitter > 0) delay += random.next() * link.jitter;
    let at = this.clock.now() + delay;
    if (link.reorder > 0 && random.next() < link.reorder) {
      at += random.next() * link.reorderWindow;
    } else {
      // FIFO per pair: never deliver before an earlier FIFO message of the same pair (equal
      // times keep their scheduling order).
      const last = sender.fifoAt[receiver.index];
      if (last !== undefined && last > at) at = last;
      sender.fifoAt[receiver.index] = at;
    }
    receiver.inFlightTo++;
    this.counters.inFlight++;
    sender.inFlight.add(receiver.index, payload instanceof Uint8Array ? payload.length : 0);
    const clock = this.clock;
    const now = clock.now();
    clock.scheduleTimer(
      new ScheduledDelivery(
        at > now ? at : now,
        clock,
        this.arrive,
        sender,
        sender.crashes,
        receiver,
        receiver.epoch,
        type,
        payload,
      ),
    );
  }

  /** A scheduled delivery came due. */
  private deliver(delivery: ScheduledDelivery<SimNode>): void {
    const { sender, receiver, type, payload } = delivery;
    // A crash of the receiver since scheduling already counted this delivery as dropped.
    if (receiver.epoch !== delivery.epoch) return;
    receiver.inFlightTo--;
    this.counters.inFlight--;
    this.arrived(sender, receiver, payload);
    const from = sender.id;
    if (sender.crashes !== delivery.crashes) {
      this.drop('crashed', from, receiver.id, type);
      return;
    }
    if (this.cuts.any && this.cuts.blocks(from, receiver.id)) {
      this.drop('partition', from, receiver.id, type);
      return;
    }
    let message: Message;
    if (payload instanceof Uint8Array) {
      try {
        message = this.wire!.decode(payload);
      } catch (error) {
        this.recordWireError({ time: this.clock.now(), from, to: receiver.id, error });
        this.drop('corrupt', from, receiver.id, type);
        return;
      }
    } else message = payload;
    // Queued until the transport hands it over to the application (`deliver` in the trace) or
    // discards it.
    this.counters.queued++;
    receiver.transport.deliver(from, message);
  }

  /** One message from `sender` to `receiver` left the wire (arrived, or dropped on arrival). */
  private arrived(sender: SimNode, receiver: SimNode, payload: Message | Uint8Array): void {
    const index = receiver.index;
    const frames = sender.inFlight.remove(
      index,
      payload instanceof Uint8Array ? payload.length : 0,
    );
    if (frames === 0 && sender.transport.awaitsDrain) sender.transport.notifyDrained(receiver.id);
  }

  /**
   * Keeps the most recent `maxWireErrors` decode failures: the list is cut back to them whenever
   * it holds twice as many (amortized O(1) per failure).
   */
  private recordWireError(error: WireError): void {
    this.decodeErrorCount++;
    this.decodeErrors.push(error);
    if (this.decodeErrors.length >= 2 * this.maxWireErrors) this.trimWireErrors();
  }

  private trimWireErrors(): void {
    const excess = this.decodeErrors.length - this.maxWireErrors;
    if (excess > 0) this.decodeErrors = this.decodeErrors.slice(excess);
  }

  private drop(cause: DropCause, from: NodeId, to: NodeId, type: MessageType): void {
    this.counters.dropped[cause]++;
    if (this.traceEvents !== undefined) {
      this.traceEvents.push({ time: this.clock.now(), kind: 'drop', from, to, type, cause });
    }
  }

  private record(kind: TraceKind, from?: NodeId, to?: NodeId, type?: MessageType): void {
    if (this.traceEvents === undefined) return;
    const event: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
      time: this.clock.now(),
      kind,
    };
    if (from !== undefined) event.from = from;
    if (to !== undefined) event.to = to;
    if (type !== undefined) event.type = type;
    this.traceEvents.push(event);
  }
}

const DEFAULT_MAX_WIRE_ERRORS = 100;

const NOTHING_BUFFERED: BufferedAmount = Object.freeze({ frames: 0, bytes: 0 });

function checkedMaxWireErrors(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_WIRE_ERRORS;
  if (!Number.isInteger(value) || value < 0) {
    throw new TalaError(
      'InvalidArgument',
      `SimulatedNetwork: maxWireErrors must be an integer ≥ 0, found ${String(value)}`,
    );
  }
  return value;
}
