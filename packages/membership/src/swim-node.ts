import {
  type Clock,
  type NodeId,
  type Random,
  realClock,
  seededRandom,
  TalaError,
  type Transport,
  type TransportMessageEvent,
} from '@tala-net/types';
import { DriverOutput } from './driver-output.js';
import { MemberAddresses } from './member-addresses.js';
import { MembershipEvent, MembershipEventTarget } from './membership-event.js';
import type { MembershipList } from './membership-list.js';
import { PendingTimers } from './pending-timers.js';
import { SeedDialer } from './seed-dialer.js';
import { type SwimConfig, type SwimPreset, swimConfig } from './swim-config.js';
import { handleMessageInto, handleTimerInto, membersOf, SwimEngine } from './swim-engine.js';
import type { MemberUpdate } from './swim-messages.js';
import type { SwimOutput, SwimTimer } from './swim-types.js';

/** Options of a {@link SwimNode}. */
export interface SwimNodeOptions {
  /** The transport to send and receive on; its `localId` is this node's id. */
  readonly transport: Transport;
  /**
   * Time and timers.
   * @default realClock()
   */
  readonly clock?: Clock;
  /**
   * Randomness of the protocol (probe order, relays, push-pull partners). Production nodes can
   * leave it out: the default seeds a generator from `crypto.getRandomValues`, so nodes started
   * together do not pick the same partners. Tests and simulations should always pass a
   * `seededRandom(seed)` so that runs are reproducible.
   * @default seededRandom(<a seed from crypto.getRandomValues>)
   */
  readonly random?: Random;
  /**
   * A preset name or a full configuration (see {@link swimConfig}).
   * @default 'lan'
   */
  readonly config?: SwimConfig | SwimPreset;
  /**
   * Members to join through: their ids, or their addresses (strings, e.g. `'10.0.0.7:7946'`).
   * On `start` the node dials each address with `transport.dial` (retrying a failed dial after
   * `probeInterval`, doubling up to `healInterval`, at most {@link SwimNodeOptions.seedDialAttempts}
   * times) and joins through the id it resolves to, as through a seed given by id.
   * @default []
   */
  readonly seeds?: readonly (NodeId | string)[];
  /**
   * Most dial attempts per seed address (the first included); then the node gives up on that
   * address, counts it in `seedDialFailures` and reports the last failure as an `error` event.
   * @default 10
   */
  readonly seedDialAttempts?: number;
  /**
   * This node's opaque address, gossiped to the others.
   * @default the transport's `address` (UTF-8) when it has one when the node is created (call
   * `listen()` first), an empty address otherwise
   */
  readonly address?: Uint8Array;
  /**
   * Members known from the start.
   * @default []
   */
  readonly members?: readonly MemberUpdate[];
  /**
   * Starting incarnation.
   * @default 0n
   */
  readonly incarnation?: bigint;
  /** Stops the node when aborted. */
  readonly signal?: AbortSignal;
}

/** Counters of a {@link SwimNode}. */
export interface SwimNodeStats {
  /** Messages handed to the transport. */
  readonly messagesSent: number;
  /** Messages received from the transport. */
  readonly messagesReceived: number;
  /** Malformed messages ignored (counted by the engine: `badMessages`). */
  readonly badInput: number;
  /**
   * Exceptions thrown by the engine while handling a message or a timer (bugs, each also
   * reported as an `error` event).
   */
  readonly engineErrors: number;
  /** Exceptions thrown by event listeners (caught). */
  readonly listenerErrors: number;
  /** Exceptions thrown by the transport while sending (caught). */
  readonly sendErrors: number;
  /** Dials of seed addresses started. */
  readonly seedDials: number;
  /** Dials of seed addresses that failed. */
  readonly seedDialFailures: number;
  /**
   * Member addresses not recorded in the transport's address book: not UTF-8, or refused by the
   * book (too long, book full).
   */
  readonly addressesIgnored: number;
}

/**
 * Runs a {@link SwimEngine} over a `Transport` and a `Clock`, and reports membership changes as
 * typed events (`joined`, `suspected`, `alive`, `dead`, `left`, `updated`, and `error` for an
 * exception inside the engine, a bug). Bad input, a
 * throwing transport or a throwing listener never stops the protocol loop: each is counted in
 * {@link SwimNode.stats}.
 *
 * @example
 * ```ts
 * const node = new SwimNode({ transport, clock, seeds: [NodeId(1)], config: 'local' });
 * node.addEventListener('dead', (event) => console.log('dead:', event.member.node));
 * node.start();
 * // … later
 * node.leave();
 * node.stop();
 * ```
 */
export class SwimNode extends MembershipEventTarget {
  /** The protocol state machine this node drives. */
  readonly engine: SwimEngine;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #timers = new PendingTimers();
  // Per timer slot: the engine timer waiting in it, how often the slot was reserved, and its
  // clock callback, made once per slot and reused (no closure per timer).
  readonly #slotTimers: (SwimTimer | undefined)[] = [];
  readonly #slotReservations: number[] = [];
  readonly #slotCallbacks: (() => void)[] = [];
  readonly #signal: AbortSignal | undefined;
  #running = false;
  #stopped = false;
  #sent = 0;
  #received = 0;
  #engineErrors = 0;
  #sendErrors = 0;
  /**
   * One output reused for every engine call (none is kept once applied); `undefined` while in use,
   * so that a call made while one is applied (a transport delivering at once) gets its own.
   */
  #spare: DriverOutput | undefined = new DriverOutput();
  readonly #onMessage = (event: TransportMessageEvent): void => {
    if (!this.#running) return;
    this.#received++;
    const out = this.#takeOutput();
    try {
      handleMessageInto(this.engine, out, this.#clock.now(), event.from, event.message);
    } catch (error) {
      this.#engineFailed(error);
      this.#returnOutput(out);
      return;
    }
    this.#applyDirect(out);
    this.#returnOutput(out);
  };
  readonly #onAbort = (): void => this.stop();
  readonly #addresses: MemberAddresses;
  readonly #dialer: SeedDialer;

  /**
   * Throws a `TalaError` (`InvalidArgument`) for options the engine refuses (see `SwimEngine`),
   * and for a seed that is neither a node id nor a non-empty address.
   */
  constructor(options: SwimNodeOptions) {
    super();
    this.#transport = options.transport;
    this.#clock = options.clock ?? realClock();
    this.#signal = options.signal;
    const config =
      typeof options.config === 'object' ? options.config : swimConfig(options.config ?? 'lan');
    const random =
      options.random ?? seededRandom(globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!);
    const { ids, addresses } = splitSeeds(options.seeds);
    const address = options.address ?? transportAddress(options.transport);
    this.engine = new SwimEngine({
      id: options.transport.localId,
      random,
      config,
      ...(address === undefined ? {} : { address: address.slice() }),
      seeds: ids,
      ...(options.members === undefined ? {} : { members: options.members }),
      ...(options.incarnation === undefined ? {} : { incarnation: options.incarnation }),
    });
    this.#addresses = new MemberAddresses(options.transport.addressBook, this.engine.id);
    this.#dialer = new SeedDialer({
      transport: options.transport,
      clock: this.#clock,
      addresses,
      firstRetryMs: config.probeInterval,
      maxRetryMs: Math.max(config.probeInterval, config.healInterval),
      maxAttempts: checkedDialAttempts(options.seedDialAttempts),
      onResolved: (id) => this.#seedResolved(id),
      onGaveUp: (address, error) =>
        this.reportError(
          new TalaError('Unreachable', `SwimNode: seed ${address} could not be dialled`, {
            cause: error,
          }),
          'seed:dial',
        ),
    });
  }

  /** This node's id. */
  get id(): NodeId {
    return this.engine.id;
  }

  /** The versioned view of member states (this node included). */
  get list(): MembershipList {
    return this.engine.list;
  }

  /** `true` between {@link SwimNode.start} and {@link SwimNode.stop}. */
  get running(): boolean {
    return this.#running;
  }

  /** Every known member's latest update, this node first (copies). */
  members(): MemberUpdate[] {
    return this.engine.members();
  }

  /** The latest update about `node` (a copy), or `undefined` when unknown or forgotten. */
  member(node: NodeId): MemberUpdate | undefined {
    return this.engine.member(node);
  }

  /** Counters since creation. */
  get stats(): SwimNodeStats {
    return {
      messagesSent: this.#sent,
      messagesReceived: this.#received,
      badInput: this.engine.stats.badMessages,
      engineErrors: this.#engineErrors,
      listenerErrors: this.listenerErrors,
      sendErrors: this.#sendErrors,
      seedDials: this.#dialer.attempts,
      seedDialFailures: this.#dialer.failures,
      addressesIgnored: this.#addresses.ignored,
    };
  }

  /**
   * Starts probing, joins through the seeds (dialling the seed addresses) and records the
   * addresses members gossip in the transport's address book. Idempotent; a stopped node stays
   * stopped.
   */
  start(): void {
    if (this.#running || this.#stopped) return;
    if (this.#signal?.aborted) {
      this.#stopped = true;
      return;
    }
    this.#running = true;
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#transport.addEventListener('message', this.#onMessage);
    for (const member of membersOf(this.engine)) this.#addresses.learned(member);
    this.#apply(this.engine.start(this.#clock.now()));
    if (this.#running) this.#dialer.start();
  }

  /** Announces a graceful leave; the node keeps answering probes until {@link SwimNode.stop}. */
  leave(): void {
    if (!this.#running) return;
    this.#apply(this.engine.leave(this.#clock.now()));
  }

  /** Stops the protocol: detaches from the transport (without closing it) and clears timers. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#running = false;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#transport.removeEventListener('message', this.#onMessage);
    this.#timers.clearAll((handle) => this.#clock.clearTimer(handle));
    // A timer that a clock runs anyway finds its slot empty.
    this.#slotTimers.length = 0;
    this.#dialer.stop();
  }

  /** A seed address answered with `id`: the engine joins through it. */
  #seedResolved(id: NodeId): void {
    if (!this.#running || id === this.engine.id) return;
    this.#addresses.keep(id);
    let out: SwimOutput;
    try {
      out = this.engine.addSeed(this.#clock.now(), id);
    } catch (error) {
      this.#engineFailed(error);
      return;
    }
    this.#apply(out);
  }

  /** Runs the engine on a timer (no closure per call: this runs for every timer). */
  #onTimer(timer: SwimTimer): void {
    const out = this.#takeOutput();
    try {
      handleTimerInto(this.engine, out, this.#clock.now(), timer);
    } catch (error) {
      this.#engineFailed(error);
      this.#returnOutput(out);
      return;
    }
    // A member reclaimed for good is forgotten: so is the address recorded for it.
    if (timer.kind === 'reclaim' && this.engine.member(timer.node) === undefined) {
      this.#addresses.forgotten(timer.node);
    }
    this.#applyDirect(out);
    this.#returnOutput(out);
  }

  /** The spare output, or a new one while the spare is in use. */
  #takeOutput(): DriverOutput {
    const out = this.#spare ?? new DriverOutput();
    this.#spare = undefined;
    return out;
  }

  /** `out` was applied: emptied (it holds no message any more) and kept as the spare. */
  #returnOutput(out: DriverOutput): void {
    out.clear();
    this.#spare = out;
  }

  /** An exception out of the engine is a bug: counted and reported, the loop goes on. */
  #engineFailed(error: unknown): void {
    this.#engineErrors++;
    this.reportError(error, 'engine');
  }

  #setTimer(at: number, timer: SwimTimer): void {
    const slot = this.#timers.reserve();
    const reservation = (this.#slotReservations[slot] ?? 0) + 1;
    this.#slotReservations[slot] = reservation;
    this.#slotTimers[slot] = timer;
    let callback = this.#slotCallbacks[slot];
    if (callback === undefined) {
      callback = () => this.#fire(slot);
      this.#slotCallbacks[slot] = callback;
    }
    const handle = this.#clock.setTimer(at, callback);
    // A clock may run an overdue timer at once, inside setTimer: its slot is then free already
    // (or reserved again by a timer that the engine set meanwhile).
    if (this.#slotReservations[slot] === reservation && this.#slotTimers[slot] !== undefined) {
      this.#timers.fill(slot, handle);
    }
  }

  /** The timer of `slot` is due: the slot is freed, then the engine handles the timer. */
  #fire(slot: number): void {
    const timer = this.#slotTimers[slot];
    if (timer === undefined) return;
    this.#slotTimers[slot] = undefined;
    this.#timers.release(slot);
    if (!this.#running) return;
    this.#onTimer(timer);
  }

  /** Applies an output of the engine's public API (start, leave, a seed). */
  #apply(output: SwimOutput): void {
    const out = this.#takeOutput();
    out.addAll(output);
    this.#applyDirect(out);
    this.#returnOutput(out);
  }

  /** Sends the messages, sets the timers, then reports the changes, in order. */
  #applyDirect(out: DriverOutput): void {
    const { to, messages, at, timers, events } = out;
    for (let i = 0; i < out.messageCount; i++) {
      try {
        this.#transport.send(to[i]!, messages[i]!);
        this.#sent++;
      } catch (error) {
        // Transports never throw for delivery problems: this is a bug, counted and reported.
        this.#sendErrors++;
        this.reportError(error, 'transport:send');
      }
    }
    for (let i = 0; i < out.timerCount; i++) this.#setTimer(at[i]!, timers[i]!);
    for (let i = 0; i < out.eventCount; i++) {
      // A listener may stop the node mid-batch: nothing is reported after that.
      if (!this.#running) return;
      const change = events[i]!;
      this.#addresses.learned(change.member);
      this.dispatchEvent(MembershipEvent.from(change));
    }
  }
}

/** The seeds given by id, and those given by address; throws for anything else. */
function splitSeeds(seeds: readonly (NodeId | string)[] | undefined): {
  ids: NodeId[];
  addresses: string[];
} {
  const ids: NodeId[] = [];
  const addresses: string[] = [];
  if (seeds === undefined) return { ids, addresses };
  if (!Array.isArray(seeds)) {
    throw new TalaError('InvalidArgument', 'SwimNode: seeds must be an array');
  }
  seeds.forEach((seed: unknown, i) => {
    if (typeof seed === 'string' && seed.length > 0) addresses.push(seed);
    else if (typeof seed === 'bigint') ids.push(seed as NodeId);
    else {
      throw new TalaError(
        'InvalidArgument',
        `SwimNode: seeds[${i}] must be a node id or a non-empty address, found ${String(seed)}`,
      );
    }
  });
  return { ids, addresses };
}

/** The transport's address as UTF-8 bytes, when it has one. */
function transportAddress(transport: Transport): Uint8Array | undefined {
  const address = transport.address;
  return typeof address === 'string' && address.length > 0
    ? new TextEncoder().encode(address)
    : undefined;
}

const DEFAULT_SEED_DIAL_ATTEMPTS = 10;

function checkedDialAttempts(value: number | undefined): number {
  if (value === undefined) return DEFAULT_SEED_DIAL_ATTEMPTS;
  if (!Number.isInteger(value) || value < 1) {
    throw new TalaError(
      'InvalidArgument',
      `SwimNode: seedDialAttempts must be an integer ≥ 1, found ${String(value)}`,
    );
  }
  return value;
}

/**
 * Creates and starts a {@link SwimNode}.
 *
 * @example
 * ```ts
 * const node = startMembership({ transport, seeds: [NodeId(1)] });
 * node.addEventListener('joined', (event) => console.log('joined:', event.member.node));
 * ```
 */
export function startMembership(options: SwimNodeOptions): SwimNode {
  const node = new SwimNode(options);
  node.start();
  return node;
}
