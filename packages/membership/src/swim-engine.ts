import { type Message, type NodeId, type Random, TalaError } from '@tala-net/types';
import { DisseminationQueue, retransmitLimit } from './dissemination-queue.js';
import type { DriverOutput } from './driver-output.js';
import { EngineMemberList } from './engine-member-list.js';
import { LocalHealth } from './local-health.js';
import type { MembershipList } from './membership-list.js';
import { NodeMap } from './node-map.js';
import { ProbeSchedule } from './probe-schedule.js';
import { Suspicion, suspicionBounds } from './suspicion.js';
import type { SwimConfig } from './swim-config.js';
import { checkEngineOptions, type SwimEngineOptions } from './swim-engine-options.js';
import {
  type MutableUpdate,
  readSwimMessage,
  readUpdateInto,
  type SwimMessage,
} from './swim-message-checks.js';
import type {
  IndirectAck,
  MemberUpdate,
  MemberUpdateState,
  Nack,
  PingReq,
} from './swim-messages.js';
import type { MembershipChange, MembershipEventType, SwimOutput, SwimTimer } from './swim-types.js';
import {
  BARE_UPDATE_BYTES,
  DEFAULT_PUSH_PULL_MEMBERS,
  EMPTY_GOSSIP_FRAME_BYTES,
  EMPTY_PUSH_PULL_FRAME_BYTES,
  isWireU64,
  MAX_INCARNATION,
  MAX_U64,
  memberUpdateLength,
  PROBE_FRAME_BYTES,
  RELAYED_PROBE_FRAME_BYTES,
  registerSwimMessages,
} from './swim-wire.js';

/** Counters of a {@link SwimEngine}. */
export interface SwimEngineStats {
  /**
   * Messages ignored because they were malformed (missing, `null` or wrongly typed fields,
   * holes in an update array), claimed another sender, or claimed to come from this node.
   */
  badMessages: number;
  /** Times this node refuted a suspicion (or death) of itself. */
  refutations: number;
  /** Members this node suspected after a failed probe. */
  suspicionsRaised: number;
  /** Messages ignored because they are not SWIM messages (another protocol on the transport). */
  ignoredMessages: number;
  /** Updates left out because a message carried more than `maxUpdatesPerMessage`. */
  droppedUpdates: number;
  /** Updates ignored because they were about a recently forgotten member and not newer. */
  staleUpdates: number;
  /**
   * Updates ignored for a limit: an incarnation above {@link MAX_INCARNATION}, an address
   * longer than `maxAddressBytes`, or a new member beyond `maxMembers`.
   */
  rejectedUpdates: number;
  /** Updates about third members ignored because their sender is not a live member. */
  untrustedUpdates: number;
  /** `PingReq`, `IndirectAck` and `Nack` messages ignored because their sender is not a member. */
  untrustedMessages: number;
  /** `PushPull`s not answered: the sender is not a live member, or was answered this period. */
  unansweredPushPulls: number;
}

/**
 * What the engine keeps about one member. Small on purpose (a simulation holds a thousand
 * members × a thousand nodes): what only a suspected, departed or synced member needs waits in
 * {@link MemberRecord.extra}, created on first use.
 */
interface MemberRecord {
  readonly node: NodeId;
  update: MemberUpdate;
  generation: number;
  /** Its index in the engine's list of Alive members, −1 when it is not Alive. */
  aliveAt: number;
  /** Forgotten: no longer the member's record (a later one may be). */
  forgotten: boolean;
  extra: MemberExtra | undefined;
}

/** The rarely needed part of a {@link MemberRecord}. */
interface MemberExtra {
  suspicion: Suspicion | undefined;
  // The times below are `undefined` until first set, not a number: no boxed number for each.
  /** When the member was declared Dead or Left (for the reclaim timer). */
  downSince: number | undefined;
  /**
   * A reclaim timer of this record is pending: one is enough however often the member goes down
   * (it comes back when it fired early), so a message that says the member left and came back a
   * thousand times arms one timer, not a thousand.
   */
  reclaimArmed: boolean;
  /** When a `PushPull` from this member was last answered with our state (if ever). */
  answeredAt: number | undefined;
  /** When this member, while down, was last reminded of our record of it (if ever). */
  remindedAt: number | undefined;
  /** The current suspicion's last look (one probe carrying it, before the verdict) went out. */
  lastLook: boolean;
  /**
   * Lifeguard: until when our own new suspicion of this member is told to the member only, not
   * gossiped (`undefined` when it is not held back).
   */
  quietUntil: number | undefined;
}

/** The extra part of `record`, created when first needed. */
function extraOf(record: MemberRecord): MemberExtra {
  record.extra ??= {
    suspicion: undefined,
    downSince: undefined,
    reclaimArmed: false,
    answeredAt: undefined,
    remindedAt: undefined,
    lastLook: false,
    quietUntil: undefined,
  };
  return record.extra;
}

interface Tombstone {
  readonly incarnation: bigint;
  readonly until: number;
  /** When the forgotten member was last reminded of this record. */
  remindedAt: number;
}

interface HealBackoff {
  readonly attempts: number;
  readonly notBefore: number;
}

interface PendingProbe {
  seq: bigint;
  target: NodeId;
  acked: boolean;
  nacks: number;
  expectedNacks: number;
  /** When the `PingReq`s went out. */
  indirectAt: number;
}

interface Relay {
  readonly requester: NodeId;
  readonly seq: bigint;
  readonly target: NodeId;
}

// Set by the static block of SwimEngine: the driver's ways in (see the functions at the end).
let readMembers: (engine: SwimEngine) => readonly MemberUpdate[];
let handleMessageWith: (
  engine: SwimEngine,
  out: DriverOutput,
  now: number,
  from: NodeId,
  message: Message,
) => void;
let handleTimerWith: (engine: SwimEngine, out: DriverOutput, now: number, timer: SwimTimer) => void;

const PROBE: SwimTimer = { kind: 'probe' };
const PUSH_PULL: SwimTimer = { kind: 'pushPull' };
const HEAL: SwimTimer = { kind: 'heal' };
const EMPTY_ADDRESS = new Uint8Array(0);
const LEAVE_FANOUT = 3;
/** Most standalone `Gossip` frames a node sends per period to drain a backlog. */
const MAX_BACKLOG_FRAMES = 12;
/** A seed that stays unknown is tried at most every 2^6 = 64 heal intervals by one node. */
const MAX_HEAL_BACKOFF_DOUBLINGS = 6;

/**
 * The SWIM failure detector and membership protocol as a sans-IO state machine, with the
 * Lifeguard extensions. It never reads a clock, sets a timer, touches a socket or calls
 * `Math.random`: every call takes the current time, and returns the messages to send, the
 * timers to set and the membership changes it made. A driver (see `SwimNode`) connects it to a
 * transport and a clock; tests and simulations call it directly.
 *
 * The engine keeps {@link SwimEngine.list}, a {@link MembershipList} view (Alive / Suspect /
 * Dead, with `Left` shown as Dead) that includes this node.
 *
 * @example
 * ```ts
 * const a = new SwimEngine({ id: NodeId(1), random: seededRandom(1) });
 * const b = new SwimEngine({ id: NodeId(2), random: seededRandom(2), seeds: [NodeId(1)] });
 * a.start(0);
 * const out = b.start(0); // a PushPull to node 1
 * const reply = a.handleMessage(1, NodeId(2), out.messages[0]!.message); // node 1 learns node 2
 * b.handleMessage(2, NodeId(1), reply.messages[0]!.message); // and node 2 learns node 1
 * b.list.aliveMembers(); // [2n, 1n]
 * ```
 */
export class SwimEngine {
  /** This node's id. */
  readonly id: NodeId;
  /** The protocol configuration in force. */
  readonly config: SwimConfig;
  /** The versioned view of member states, this node included. */
  readonly list: MembershipList;
  /** Counters. */
  readonly stats: SwimEngineStats = {
    badMessages: 0,
    refutations: 0,
    suspicionsRaised: 0,
    ignoredMessages: 0,
    droppedUpdates: 0,
    staleUpdates: 0,
    rejectedUpdates: 0,
    untrustedUpdates: 0,
    untrustedMessages: 0,
    unansweredPushPulls: 0,
  };

  readonly #random: Random;
  readonly #address: Uint8Array;
  readonly #seeds: NodeId[];
  /** Seeds and bootstrap members: always offered healing syncs when not known to be live. */
  readonly #bootstrap: NodeId[];
  /** Recently forgotten members: node → incarnation it was forgotten at (insertion ordered). */
  readonly #tombstones = new Map<NodeId, Tombstone>();
  readonly #records = new NodeMap<MemberRecord>();
  /** The list view of the records (see {@link SwimEngine.list}). */
  readonly #memberList: EngineMemberList;
  /** Alive members other than this node, for random picks. */
  readonly #alive: MemberRecord[] = [];
  readonly #queue = new DisseminationQueue();
  readonly #schedule: ProbeSchedule<MemberRecord>;
  readonly #health: LocalHealth;
  readonly #relays = new Map<bigint, Relay>();
  /** Seeds and bootstrap members that stayed unknown: when a healing sync may try them again. */
  readonly #healBackoff = new Map<NodeId, HealBackoff>();
  #self: MemberUpdate;
  #liveCount = 1;
  #seq = 0n;
  #pending: PendingProbe | undefined;
  /**
   * The one probe record, reused by every period (it lives a whole period: one per period would
   * be old garbage by the time it dies); `#pending` is it while a probe is out.
   */
  readonly #probe: PendingProbe = {
    seq: 0n,
    target: 0n as NodeId,
    acked: false,
    nacks: 0,
    expectedNacks: 0,
    indirectAt: 0,
  };
  #started = false;
  #left = false;
  /** A `PushPull` answer from a member arrived (seeds are asked every period until then). */
  #synced = false;
  /** This node already refuted an update about itself in the current message. */
  #refuted = false;
  /** This node already answered a stale accusation of itself in the current message. */
  #answeredStale = false;
  #out: SwimOutput = newOutput();
  /** Where the current call writes instead of `#out`, for a driver (see `handleMessageInto`). */
  #direct: DriverOutput | undefined;
  /** The update being merged (see `#merge`). */
  readonly #incoming: MutableUpdate = {
    node: 0n as NodeId,
    state: 'Alive',
    incarnation: 0n,
    address: EMPTY_ADDRESS,
    accuser: undefined,
  };
  /** The last record lookup (see `#recordOf`); cleared whenever a record is added or removed. */
  #lookedUpNode: NodeId | undefined;
  #lookedUpRecord: MemberRecord | undefined;
  /** The probe schedule's callbacks, built once. */
  readonly #probeableRecords = (): MemberRecord[] => this.#probeable();
  readonly #isProbeable = (record: MemberRecord): boolean =>
    record.forgotten ? this.#trusted(record.node) : isLive(record.update.state);
  /** When this node last sent its state to a member returning from the dead. */
  #reunitedAt = Number.NEGATIVE_INFINITY;

  /**
   * Throws a `TalaError` with code `InvalidArgument` for options that a received message could
   * not carry either (ids and incarnations out of range, malformed member updates) or beyond the
   * configured limits (`maxAddressBytes`, `maxMembers`), and for a config that `swimConfig`
   * rejects.
   */
  constructor(options: SwimEngineOptions) {
    const checked = checkEngineOptions(options);
    registerSwimMessages();
    this.id = checked.id;
    this.config = checked.config;
    this.#memberList = new EngineMemberList({
      self: checked.id,
      left: () => this.#left,
      updateOf: (node) => this.#records.get(node)?.update,
      updates: () => this.#updates(),
      count: () => this.#records.size,
    });
    this.list = this.#memberList;
    this.#random = checked.random;
    this.#address = checked.address;
    this.#seeds = checked.seeds.filter((seed) => seed !== checked.id);
    this.#schedule = new ProbeSchedule<MemberRecord>(this.#random, (record) => record.node);
    this.#health = new LocalHealth(this.config.lifeguard ? this.config.awarenessMaxMultiplier : 1);
    this.#self = {
      node: this.id,
      state: 'Alive',
      incarnation: checked.incarnation,
      address: this.#address,
    };
    this.#memberList.changed();
    // A list, not a set: a thousand bootstrap members cost a thousand pushes, not set inserts.
    const bootstrap: NodeId[] = [...this.#seeds];
    for (const member of checked.members) {
      const node = member.node;
      if (node === this.id || this.#records.has(node)) continue;
      if (!this.#seeds.includes(node)) bootstrap.push(node);
      if (member.state === 'Alive') {
        // Already a fresh object of the engine's own (see `checkEngineOptions`).
        this.#addRecord(member, false);
      } else if (member.state === 'Suspect') {
        this.#addRecord(
          { node, state: 'Alive', incarnation: member.incarnation, address: member.address },
          false,
        );
      }
    }
    this.#bootstrap = bootstrap;
    this.#out = newOutput();
  }

  /** This node's current incarnation. */
  get incarnation(): bigint {
    return this.#self.incarnation;
  }

  /** `true` after {@link SwimEngine.leave}. */
  get left(): boolean {
    return this.#left;
  }

  /** Lifeguard's local health score (0 when healthy). */
  get awareness(): number {
    return this.#health.score;
  }

  /** Number of members Alive or Suspect, this node included. */
  get liveCount(): number {
    return this.#liveCount;
  }

  /** Number of updates waiting to be piggybacked. */
  get queuedUpdates(): number {
    return this.#queue.size;
  }

  /** Every known member's latest update, this node first (copies: changing them changes nothing). */
  members(): MemberUpdate[] {
    return this.#members().map(copyUpdate);
  }

  /**
   * The latest update about `node` (a copy), or `undefined` when unknown (or forgotten).
   */
  member(node: NodeId): MemberUpdate | undefined {
    const update = node === this.id ? this.#self : this.#recordOf(node)?.update;
    return update === undefined ? undefined : copyUpdate(update);
  }

  static {
    readMembers = (engine) => engine.#members();
    handleMessageWith = (engine, out, now, from, message) => {
      engine.#beginWith(out);
      try {
        engine.#onMessage(now, from, message);
      } finally {
        engine.#direct = undefined;
      }
    };
    handleTimerWith = (engine, out, now, timer) => {
      engine.#beginWith(out);
      try {
        engine.#onTimer(now, timer);
      } finally {
        engine.#direct = undefined;
      }
    };
  }

  /** Every other member's latest update, in the order the members were added. */
  *#updates(): Generator<MemberUpdate> {
    for (const record of this.#records.values()) yield record.update;
  }

  #members(): MemberUpdate[] {
    const members = [this.#self];
    for (const record of this.#records.values()) members.push(record.update);
    return members;
  }

  /**
   * Starts the protocol at time `now`: schedules the first period, push-pull and healing, and
   * contacts the seeds. Calling it again does nothing.
   */
  start(now: number): SwimOutput {
    return this.#run(() => {
      if (this.#started) return;
      this.#started = true;
      const config = this.config;
      this.#timer(now + this.#random.next() * config.probeInterval, PROBE);
      if (config.pushPullInterval > 0) {
        this.#timer(now + this.#random.next() * this.#pushPullInterval(), PUSH_PULL);
      }
      if (config.healInterval > 0) {
        this.#timer(now + (0.5 + this.#random.next()) * config.healInterval, HEAL);
      }
      if (this.#seeds.length > 0) {
        this.#queue.enqueue(this.#self);
        for (const seed of this.#seeds) this.#sendPushPull(seed, false);
      }
    });
  }

  /**
   * Adds `seed` after construction (e.g. once a seed's address resolved to its id): like a seed
   * given to the constructor, it is asked for a push-pull (now, when the engine runs; on `start`
   * otherwise; every period until a sync answers) and stays a healing candidate. Ignored for
   * this node's own id and for a seed already known. Throws a `TalaError` (`InvalidArgument`)
   * for an id that is not a u64.
   */
  addSeed(_now: number, seed: NodeId): SwimOutput {
    if (!isWireU64(seed)) {
      throw new TalaError('InvalidArgument', `addSeed: expected a node id, found ${String(seed)}`);
    }
    return this.#run(() => {
      if (seed === this.id || this.#seeds.includes(seed)) return;
      this.#seeds.push(seed);
      if (!this.#bootstrap.includes(seed)) this.#bootstrap.push(seed);
      if (!this.#started || this.#left) return;
      this.#queue.enqueue(this.#self);
      this.#sendPushPull(seed, false);
    });
  }

  /**
   * Leaves the cluster gracefully: announces `Left` to a few members and in every later
   * piggyback, stops probing, and keeps answering probes until the driver stops. Idempotent.
   */
  leave(_now: number): SwimOutput {
    return this.#run(() => {
      if (this.#left) return;
      this.#left = true;
      this.#pending = undefined;
      this.#self = { ...this.#self, state: 'Left' };
      this.#memberList.changed();
      this.#liveCount--;
      this.#queue.enqueue(this.#self);
      for (const node of this.#pickAlive(LEAVE_FANOUT, undefined)) {
        this.#send(node, { type: 'Gossip', from: this.id, updates: [this.#self] });
      }
    });
  }

  /**
   * Handles a message received at `now` from `from`. Never throws on malformed input: a
   * message that is not an object of a SWIM type is counted in `ignoredMessages`; a SWIM message
   * with missing, `null` or wrongly typed fields (holes in `updates` included), or one that
   * claims another sender, is counted in `badMessages`. Both are otherwise ignored.
   */
  handleMessage(now: number, from: NodeId, message: Message): SwimOutput {
    // No closure per call (`#run`): this runs for every message.
    const out = this.#begin();
    this.#onMessage(now, from, message);
    return out;
  }

  #onMessage(now: number, from: NodeId, message: Message): void {
    const reading = readSwimMessage(message);
    if (reading.kind === 'other') {
      this.stats.ignoredMessages++;
      return;
    }
    if (reading.kind === 'malformed' || from === this.id || reading.message.from !== from) {
      this.stats.badMessages++;
      return;
    }
    this.#refuted = false;
    this.#answeredStale = false;
    this.#dispatch(now, from, reading.message);
  }

  #dispatch(now: number, from: NodeId, message: SwimMessage): void {
    switch (message.type) {
      case 'Ping':
        this.#onPing(now, from, message.seq);
        return;
      case 'Pong':
        this.#onAck(from, message.seq);
        return;
      case 'PingReq':
      case 'IndirectAck':
      case 'Nack':
        // Only members may ask us to probe for them or report on our probes.
        if (this.#trusted(from)) this.#onRelayed(now, from, message);
        else this.stats.untrustedMessages++;
        return;
      case 'Gossip':
        this.#merge(now, from, message.updates, false);
        this.#remindIfDown(now, from);
        return;
      case 'PushPull':
        this.#onPushPull(now, from, message.members, message.reply);
        return;
    }
  }

  #onPing(now: number, from: NodeId, seq: bigint): void {
    this.#send(from, { type: 'Pong', from: this.id, seq });
    this.#piggyback(from, PROBE_FRAME_BYTES);
    this.#remindIfDown(now, from);
  }

  #onRelayed(now: number, from: NodeId, message: PingReq | IndirectAck | Nack): void {
    if (message.type === 'PingReq') {
      this.#onPingReq(now, from, message.seq, message.target);
      return;
    }
    const pending = this.#pending;
    if (pending === undefined || pending.seq !== message.seq) return;
    if (pending.target !== message.target) return;
    if (message.type === 'IndirectAck') this.#acked(pending);
    else pending.nacks++;
  }

  #onPushPull(now: number, from: NodeId, members: readonly MemberUpdate[], reply: boolean): void {
    this.#merge(now, from, members, true);
    if (reply) {
      if (this.#trusted(from)) this.#synced = true;
    } else {
      this.#answerPushPull(now, from);
    }
    this.#remindIfDown(now, from);
  }

  /**
   * A full state goes only to a live member (a joiner is one as soon as its own `Alive` is
   * taken), and to each at most once per protocol period: nobody can make this node send its
   * state by asking repeatedly or without joining.
   */
  #answerPushPull(now: number, from: NodeId): void {
    const record = this.#recordOf(from);
    const answeredAt = record?.extra?.answeredAt;
    if (
      record === undefined ||
      !isLive(record.update.state) ||
      (answeredAt !== undefined && now - answeredAt < this.config.probeInterval)
    ) {
      this.stats.unansweredPushPulls++;
      return;
    }
    extraOf(record).answeredAt = now;
    this.#sendPushPull(from, true);
  }

  /**
   * Handles a timer (set from an earlier output) firing at `now`. A timer may fire a little
   * early or late: deadlines are checked against `now` and re-armed when not yet due.
   */
  handleTimer(now: number, timer: SwimTimer): SwimOutput {
    // No closure per call (`#run`): this runs for every timer.
    const out = this.#begin();
    this.#onTimer(now, timer);
    return out;
  }

  #onTimer(now: number, timer: SwimTimer): void {
    switch (timer.kind) {
      case 'probe':
        this.#onProbe(now);
        return;
      case 'probeTimeout':
        this.#onProbeTimeout(now, timer.seq);
        return;
      case 'relayTimeout':
        this.#onRelayTimeout(timer.seq);
        return;
      case 'suspicion':
        this.#onSuspicionTimer(now, timer.node, timer.incarnation);
        return;
      case 'pushPull':
        this.#onPushPullTimer(now);
        return;
      case 'heal':
        this.#onHeal(now);
        return;
      case 'reclaim':
        this.#onReclaim(now, timer);
        return;
    }
  }

  #onRelayTimeout(seq: bigint): void {
    const relay = this.#relays.get(seq);
    if (relay === undefined) return;
    this.#relays.delete(seq);
    if (!this.config.lifeguard) return;
    this.#send(relay.requester, {
      type: 'Nack',
      from: this.id,
      seq: relay.seq,
      target: relay.target,
    });
  }

  #onReclaim(now: number, timer: Extract<SwimTimer, { kind: 'reclaim' }>): void {
    const record = this.#recordOf(timer.node);
    if (record === undefined) return;
    if (record.extra !== undefined) record.extra.reclaimArmed = false;
    if (isLive(record.update.state)) return;
    const due = (record.extra?.downSince ?? 0) + this.config.reclaimTime;
    if (now < due || record.generation !== timer.generation) {
      // Fired early (a coarse real clock), or the member changed since (it came back and went
      // down again): its current down time decides, in its current generation.
      extraOf(record).reclaimArmed = true;
      this.#timer(Math.max(due, now), { ...timer, generation: record.generation });
      return;
    }
    this.#forget(now, record);
  }

  // --- protocol periods ---------------------------------------------------------------------

  #onProbe(now: number): void {
    if (this.#left) return;
    this.#finishProbe(now);
    this.#timer(now + this.#health.scale(this.config.probeInterval), PROBE);
    if (!this.#synced && this.#seeds.length > 0) {
      // Not synced yet: keep asking a seed for its state (answered once we are its member).
      this.#sendPushPull(this.#seeds[this.#random.nextInt(this.#seeds.length)]!, false);
    }
    const picked = this.#schedule.next(this.#probeableRecords, this.#isProbeable);
    const target = picked?.node;
    // The member's current record (the lookup the piggyback would make), unless it was forgotten.
    if (picked !== undefined && !picked.forgotten) this.#remember(picked);
    this.#flushBacklog(target);
    if (target === undefined) return;
    const seq = this.#nextSeq();
    const probe = this.#probe;
    probe.seq = seq;
    probe.target = target;
    probe.acked = false;
    probe.nacks = 0;
    probe.expectedNacks = 0;
    probe.indirectAt = 0;
    this.#pending = probe;
    this.#send(target, { type: 'Ping', from: this.id, seq });
    this.#piggyback(target, PROBE_FRAME_BYTES);
    this.#timer(now + this.#health.scale(this.config.probeTimeout), { kind: 'probeTimeout', seq });
  }

  /**
   * A period's probe and its answer carry about two frames of updates, enough for a steady
   * cluster. When a full frame or more is waiting (a mass join queues every joiner at every
   * node, each to be sent `retransmitLimit` times), one standalone `Gossip` frame goes to a
   * random member for each full frame queued, at most {@link MAX_BACKLOG_FRAMES} per period,
   * so that the backlog drains in a bounded number of periods instead of growing with n².
   */
  #flushBacklog(target: NodeId | undefined): void {
    const frames = Math.floor(this.#queue.bytes / this.config.gossipBudget);
    const extra = Math.min(MAX_BACKLOG_FRAMES, frames);
    if (extra <= 0) return;
    for (const node of this.#pickAlive(extra, target)) this.#piggyback(node, 0);
  }

  #onProbeTimeout(now: number, seq: bigint): void {
    const pending = this.#pending;
    if (pending === undefined || pending.seq !== seq || pending.acked) return;
    if (pending.expectedNacks > 0) return; // a duplicate timer: the PingReqs went out already
    const relays = this.#pickAlive(this.config.indirectChecks, pending.target);
    for (const relay of relays) {
      this.#send(relay, { type: 'PingReq', from: this.id, seq, target: pending.target });
      this.#piggyback(relay, RELAYED_PROBE_FRAME_BYTES);
    }
    pending.expectedNacks = this.config.lifeguard ? relays.length : 0;
    pending.indirectAt = now;
  }

  /**
   * How long a relay waits for the target before nacking: half the time the requester still
   * waits after sending its `PingReq` (`probeInterval − probeTimeout`, unscaled: the relay does
   * not know the requester's health, which only lengthens that window). The other half is left
   * for the `PingReq` and the `Nack` to travel, so nacks arrive before the requester's period
   * ends up to a one-way latency of a quarter of that window (125 ms on `lan`, 500 ms on `wan`).
   */
  #relayNackDelay(): number {
    return 0.5 * (this.config.probeInterval - this.config.probeTimeout);
  }

  /** Ends the previous period's probe: a target that never acked becomes suspect. */
  #finishProbe(now: number): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    if (pending.acked) return;
    if (this.config.lifeguard) this.#chargeMissedNacks(now, pending);
    const record = this.#recordOf(pending.target);
    if (record === undefined) return;
    const { state, incarnation } = record.update;
    if (state === 'Alive') {
      this.stats.suspicionsRaised++;
      this.#suspect(now, record, incarnation, this.id);
      // The accuser tells the suspect at once, so it can refute (Lifeguard's buddy system), and
      // keeps the suspicion to itself for a probe timeout: a live suspect's refutation usually
      // comes back before anyone else hears of it. Members that only hear of the suspicion send
      // the suspect nothing.
      if (this.config.lifeguard) this.#holdBack(now, record);
    } else if (state === 'Suspect') {
      // Our own probe failed too: we are an independent accuser.
      this.#confirm(record, this.id);
    }
  }

  /**
   * Lifeguard: a missed probe with no relay to ask counts once; otherwise each relay that
   * neither acked nor nacked counts — but only when it had the time to nack (a period cut
   * short, e.g. by an early timer, charges nothing for relays).
   */
  #chargeMissedNacks(now: number, pending: PendingProbe): void {
    if (pending.expectedNacks === 0) this.#health.apply(1);
    else if (now - pending.indirectAt >= this.#relayNackDelay()) {
      this.#health.apply(Math.max(0, pending.expectedNacks - pending.nacks));
    }
  }

  #onAck(from: NodeId, seq: bigint): void {
    const pending = this.#pending;
    if (pending?.seq === seq && pending.target === from) {
      this.#acked(pending);
      return;
    }
    const relay = this.#relays.get(seq);
    if (relay !== undefined && relay.target === from) {
      this.#relays.delete(seq);
      this.#send(relay.requester, {
        type: 'IndirectAck',
        from: this.id,
        seq: relay.seq,
        target: relay.target,
      });
      this.#piggyback(relay.requester, RELAYED_PROBE_FRAME_BYTES);
    }
  }

  #acked(pending: PendingProbe): void {
    if (pending.acked) return;
    pending.acked = true;
    if (this.config.lifeguard) this.#health.apply(-1);
  }

  #onPingReq(now: number, requester: NodeId, seq: bigint, target: NodeId): void {
    if (target === this.id) {
      // Asked to probe ourselves: answer for us directly.
      this.#send(requester, { type: 'IndirectAck', from: this.id, seq, target });
      return;
    }
    if (!this.#trusted(target)) {
      // We probe members only: a target we hold down (or never knew) is nacked at once.
      if (this.config.lifeguard)
        this.#send(requester, { type: 'Nack', from: this.id, seq, target });
      return;
    }
    const relaySeq = this.#nextSeq();
    this.#relays.set(relaySeq, { requester, seq, target });
    // No piggyback on a relayed probe: a target that many relays probe (a suspect) then gets
    // one frame per relay.
    this.#send(target, { type: 'Ping', from: this.id, seq: relaySeq });
    // Lifeguard: nack well inside the time the requester still waits.
    this.#timer(now + this.#relayNackDelay(), { kind: 'relayTimeout', seq: relaySeq });
  }

  #onPushPullTimer(now: number): void {
    this.#timer(now + this.#pushPullInterval(), PUSH_PULL);
    if (this.#left) return;
    const [partner] = this.#pickAlive(1, undefined);
    if (partner !== undefined) this.#sendPushPull(partner, false);
  }

  /**
   * Healing: across the whole cluster about one node per `healInterval` syncs with a member it
   * holds down (each node draws with probability 1 / live members; a node alone always does).
   * Candidates are dead members, recently forgotten ones, and seeds or bootstrap members not
   * known at all, each of those last ones with an exponential backoff while it stays unknown.
   */
  #onHeal(now: number): void {
    this.#timer(now + this.config.healInterval, HEAL);
    if (this.#left || this.#random.next() * this.#liveCount >= 1) return;
    const candidates = this.#healCandidates(now);
    if (candidates.length === 0) return;
    const target = candidates[this.#random.nextInt(candidates.length)]!;
    if (this.#bootstrap.includes(target)) this.#backOff(now, target);
    this.#sendPushPull(target, false);
  }

  #healCandidates(now: number): NodeId[] {
    const candidates = new Set<NodeId>();
    for (const record of this.#records.values()) {
      if (record.update.state === 'Dead') candidates.add(record.node);
    }
    // Seeds and bootstrap members stay candidates for good (a partition may outlast the reclaim
    // time), as long as their backoff allows.
    for (const node of this.#bootstrap) {
      if (this.#records.has(node)) continue;
      const backoff = this.#healBackoff.get(node);
      if (backoff === undefined || backoff.notBefore <= now) candidates.add(node);
    }
    this.#pruneTombstones(now);
    for (const node of this.#tombstones.keys()) candidates.add(node);
    return [...candidates];
  }

  #backOff(now: number, node: NodeId): void {
    const attempts = (this.#healBackoff.get(node)?.attempts ?? 0) + 1;
    const factor = 2 ** Math.min(attempts, MAX_HEAL_BACKOFF_DOUBLINGS);
    this.#healBackoff.set(node, { attempts, notBefore: now + factor * this.config.healInterval });
  }

  #forget(now: number, record: MemberRecord): void {
    record.forgotten = true;
    this.#records.delete(record.node);
    this.#lookedUpNode = undefined;
    this.#memberList.changed();
    this.#pruneTombstones(now);
    this.#tombstones.delete(record.node);
    this.#tombstones.set(record.node, {
      incarnation: record.update.incarnation,
      until: now + this.config.reclaimTime,
      remindedAt: Number.NEGATIVE_INFINITY,
    });
    while (this.#tombstones.size > this.config.maxUpdatesPerMessage) {
      const oldest = this.#tombstones.keys().next().value;
      if (oldest === undefined) break;
      this.#tombstones.delete(oldest);
    }
  }

  #pruneTombstones(now: number): void {
    for (const [node, tombstone] of this.#tombstones) {
      if (tombstone.until > now) return;
      this.#tombstones.delete(node);
    }
  }

  /** At most `maxUpdatesPerMessage` of `updates`; the rest are counted and left out. */
  #bounded(updates: readonly MemberUpdate[]): readonly MemberUpdate[] {
    const max = this.config.maxUpdatesPerMessage;
    if (updates.length <= max) return updates;
    this.stats.droppedUpdates += updates.length - max;
    return updates.slice(0, max);
  }

  #pushPullInterval(): number {
    const n = this.#liveCount;
    const scale = n <= 32 ? 1 : Math.ceil(Math.log2(n) - 5) + 1;
    return this.config.pushPullInterval * scale;
  }

  // --- suspicion ----------------------------------------------------------------------------

  #suspect(
    now: number,
    record: MemberRecord,
    incarnation: bigint,
    accuser: NodeId | undefined,
  ): void {
    const bounds = suspicionBounds(this.config, this.#liveCount);
    const expected = this.config.lifeguard
      ? this.#liveCount - 2 < this.config.suspicionMult - 2
        ? 0
        : Math.max(0, this.config.suspicionMult - 2)
      : 0;
    const suspicion = new Suspicion(incarnation, now, bounds, expected, accuser);
    const { node, address } = record.update;
    const update: MemberUpdate = { node, state: 'Suspect', incarnation, address };
    this.#setState(record, accuser === undefined ? update : { ...update, accuser });
    const extra = extraOf(record);
    extra.suspicion = suspicion;
    extra.lastLook = false;
    this.#timer(suspicion.deadline, { kind: 'suspicion', node: record.node, incarnation });
  }

  /**
   * Lifeguard: a new, independent accuser of a suspect confirms its suspicion — shortening the
   * timeout — and the suspicion is gossiped again under its name, so that others count it too.
   */
  #confirm(record: MemberRecord, accuser: NodeId): void {
    const extra = record.extra;
    const suspicion = extra?.suspicion;
    if (extra === undefined || suspicion === undefined || !this.config.lifeguard) return;
    if (!suspicion.confirm(accuser)) return;
    extra.quietUntil = undefined;
    record.update = { ...record.update, accuser };
    this.#queue.enqueue(record.update);
    this.#timer(suspicion.deadline, {
      kind: 'suspicion',
      node: record.node,
      incarnation: suspicion.incarnation,
    });
  }

  #onSuspicionTimer(now: number, node: NodeId, incarnation: bigint): void {
    const record = this.#recordOf(node);
    if (record === undefined || record.update.state !== 'Suspect') return;
    const extra = record.extra;
    const suspicion = extra?.suspicion;
    if (extra === undefined || suspicion === undefined || suspicion.incarnation !== incarnation) {
      return;
    }
    if (extra.quietUntil !== undefined) {
      // The suspicion's own deadline timer is still set: this one only ends the hold.
      this.#endHold(now, record, extra.quietUntil, incarnation);
      return;
    }
    if (now < suspicion.deadline) {
      // Fired early (a coarse real clock) or for an older, later deadline: re-arm at the
      // deadline. Deadlines only move earlier, so at most one timer per deadline re-arms.
      this.#timer(suspicion.deadline, { kind: 'suspicion', node, incarnation });
      return;
    }
    if (this.config.lifeguard && !extra.lastLook && !this.#left && suspicion.accusedBy(this.id)) {
      this.#lastLook(now, record, incarnation);
      return;
    }
    this.#kill(now, record, incarnation, 'Dead');
    // Push the verdict to a few members at once instead of waiting for the next piggyback.
    for (const node of this.#pickAlive(this.config.indirectChecks, undefined)) {
      this.#send(node, { type: 'Gossip', from: this.id, updates: [record.update] });
    }
  }

  /**
   * Lifeguard: our new suspicion of `record` (just told to the suspect) stays out of the gossip
   * queue for a probe timeout.
   */
  #holdBack(now: number, record: MemberRecord): void {
    this.#queue.remove(record.node);
    const quietUntil = now + this.#health.scale(this.config.probeTimeout);
    extraOf(record).quietUntil = quietUntil;
    this.#tell(record.node, record.update);
    const incarnation = record.update.incarnation;
    this.#timer(quietUntil, { kind: 'suspicion', node: record.node, incarnation });
  }

  /**
   * The suspect did not refute within the hold (our message or its answer may have been lost):
   * it is told once more, and the suspicion is gossiped.
   */
  #endHold(now: number, record: MemberRecord, quietUntil: number, incarnation: bigint): void {
    if (now < quietUntil) {
      this.#timer(quietUntil, { kind: 'suspicion', node: record.node, incarnation });
      return;
    }
    extraOf(record).quietUntil = undefined;
    this.#queue.enqueue(record.update);
    this.#tell(record.node, record.update);
  }

  /**
   * Lifeguard: before its verdict, an accuser (a node whose own probe failed) probes the suspect
   * once more with its suspicion piggybacked first, and waits a probe timeout. A live suspect
   * whose refutation missed us answers it first-hand. Only accusers look: a handful per
   * suspicion, not every member that heard of it.
   */
  #lastLook(now: number, record: MemberRecord, incarnation: bigint): void {
    extraOf(record).lastLook = true;
    this.#send(record.node, { type: 'Ping', from: this.id, seq: this.#nextSeq() });
    this.#piggyback(record.node, PROBE_FRAME_BYTES);
    const at = now + this.#health.scale(this.config.probeTimeout);
    this.#timer(at, { kind: 'suspicion', node: record.node, incarnation });
  }

  #kill(now: number, record: MemberRecord, incarnation: bigint, state: 'Dead' | 'Left'): void {
    this.#setState(record, { ...record.update, state, incarnation });
    const extra = extraOf(record);
    extra.downSince = now;
    if (extra.reclaimArmed) return;
    extra.reclaimArmed = true;
    this.#timer(now + this.config.reclaimTime, {
      kind: 'reclaim',
      node: record.node,
      generation: record.generation,
    });
  }

  // --- merging updates (the rules are in the README, "Who may say what") ----------------------

  /**
   * Merges the updates of one `Gossip` or `PushPull` from `sender`. Updates about the sender
   * itself come first (a joiner's own `Alive` makes it a member); updates about this node are
   * heard from anyone (at most one refutation per message); updates about third members are
   * taken only from a live member.
   */
  #merge(now: number, sender: NodeId, updates: readonly MemberUpdate[], sync: boolean): void {
    const taken = this.#bounded(updates);
    // Each update, checked already, is read into one scratch object as it is applied (a sync
    // carries a thousand; nothing keeps the scratch: what is kept is copied from it).
    const incoming = this.#incoming;
    const update = incoming as MemberUpdate;
    for (const value of taken) {
      if (!readUpdateInto(value, incoming)) continue;
      if (update.node === sender) this.#applyChecked(now, update, sender, sync);
    }
    const trusted = this.#trusted(sender);
    for (const value of taken) {
      if (!readUpdateInto(value, incoming)) {
        // Its getters answered otherwise than when the message was checked.
        this.stats.badMessages++;
        continue;
      }
      if (update.node === sender) continue;
      if (update.node === this.id) this.#aboutSelf(update, sender, trusted);
      else if (trusted) this.#applyChecked(now, update, sender, sync);
      else this.stats.untrustedUpdates++;
    }
  }

  #applyChecked(now: number, update: MemberUpdate, sender: NodeId, sync: boolean): void {
    if (
      update.incarnation > MAX_INCARNATION ||
      update.address.length > this.config.maxAddressBytes
    ) {
      this.stats.rejectedUpdates++;
      return;
    }
    // A full-state sync may be stale: its deaths and departures only make us suspect.
    const state: MemberUpdateState =
      sync && (update.state === 'Dead' || update.state === 'Left') ? 'Suspect' : update.state;
    const record = this.#recordOf(update.node);
    if (record === undefined) {
      if (state === 'Alive') this.#learnMember(now, update, sender);
      return;
    }
    switch (state) {
      case 'Alive':
        this.#aliveNode(now, record, update, sender);
        return;
      case 'Suspect':
        this.#suspectNode(now, record, update.incarnation, this.#accuserOf(update, sender));
        return;
      case 'Dead':
      case 'Left':
        this.#downNode(now, record, update.incarnation, state);
        return;
    }
  }

  /**
   * Only an `Alive` update makes a member known: a `Suspect`, `Dead` or `Left` update about a
   * member we do not know (or forgot) is old news, and must not bring it back. An `Alive` about
   * a forgotten member that is not newer means that the sender still sees it alive (the two sides
   * of a healed partition): the member is reminded of our record, so that it can rise above it.
   */
  #learnMember(now: number, update: MemberUpdate, sender: NodeId): void {
    const tombstone = this.#tombstone(now, update.node);
    if (tombstone !== undefined && update.incarnation <= tombstone.incarnation) {
      this.stats.staleUpdates++;
      this.#remindIfDown(now, update.node);
      return;
    }
    if (this.#records.size >= this.config.maxMembers) {
      this.stats.rejectedUpdates++;
      return;
    }
    const forgotten = this.#tombstones.delete(update.node);
    const added = this.#addRecord({
      node: update.node,
      state: 'Alive',
      incarnation: update.incarnation,
      address: copyAddress(update.address),
    });
    this.#queue.enqueue(added.update);
    if (forgotten && sender === update.node) this.#reunite(now, update.node);
  }

  /**
   * An `Alive` above what we know revives or updates a member (its refutation or restart). One
   * that is not newer about a member we hold dead means that the sender still sees it alive: the
   * member is reminded of our verdict, so that it can refute it.
   */
  #aliveNode(now: number, record: MemberRecord, update: MemberUpdate, sender: NodeId): void {
    const previous = record.update.state;
    if (update.incarnation <= record.update.incarnation) {
      if (previous === 'Dead') this.#remindIfDown(now, record.node);
      return;
    }
    this.#setState(record, {
      node: record.node,
      state: 'Alive',
      incarnation: update.incarnation,
      address: copyAddress(update.address),
    });
    if (!isLive(previous) && sender === record.node) this.#reunite(now, record.node);
  }

  /**
   * A member we held dead or had forgotten told us first-hand that it is alive: the two of us
   * were probably on both sides of a partition. We send it our full state (at most once per
   * protocol period), and its answer brings us its side's: each side's deaths make the other
   * suspect (or remind) their members, who refute, so the whole cluster heals in a few periods
   * from one healing contact.
   */
  #reunite(now: number, node: NodeId): void {
    if (now - this.#reunitedAt < this.config.probeInterval) return;
    this.#reunitedAt = now;
    this.#sendPushPull(node, false);
  }

  /**
   * A suspicion counts at the incarnation we know, never above it (an accusation cannot raise a
   * member's incarnation); an older one is stale. A known suspicion named by another accuser is
   * a confirmation.
   */
  #suspectNode(
    now: number,
    record: MemberRecord,
    incarnation: bigint,
    accuser: NodeId | undefined,
  ): void {
    const current = record.update;
    if (incarnation < current.incarnation) return;
    if (current.state === 'Alive') {
      this.#suspect(now, record, current.incarnation, accuser);
    } else if (current.state === 'Suspect' && accuser !== undefined) {
      this.#confirm(record, accuser);
    }
  }

  /**
   * The accuser a `Suspect` names, when it is a live member (a stranger or a departed member
   * confirms nothing, and only our own failed probe makes this node an accuser); `undefined`
   * otherwise, or when it names none. A death learned by sync is a suspicion by its sender.
   */
  #accuserOf(update: MemberUpdate, sender: NodeId): NodeId | undefined {
    if (update.state !== 'Suspect') return sender;
    const accuser = update.accuser;
    return accuser !== undefined && this.#trusted(accuser) ? accuser : undefined;
  }

  /**
   * A death or departure, said by a live member (or the member itself), counts at the
   * incarnation we know; `Left` also overrides `Dead`.
   */
  #downNode(now: number, record: MemberRecord, incarnation: bigint, state: 'Dead' | 'Left'): void {
    const current = record.update;
    if (incarnation < current.incarnation || current.state === 'Left') return;
    if (state === 'Dead' && current.state === 'Dead') return;
    this.#kill(now, record, current.incarnation, state);
  }

  /**
   * An update about this node. An `Alive` record of us above our incarnation (or at it with
   * another address) is our previous run's: we rise above it — to its incarnation + 1 when a
   * member says so, by one otherwise. An accusation at or above our incarnation is refuted by
   * rising one above our own incarnation, never above the accusation's: nobody can push us up.
   */
  #aboutSelf(update: MemberUpdate, sender: NodeId, trusted: boolean): void {
    if (this.#left) return;
    if (update.incarnation > MAX_INCARNATION) {
      this.stats.rejectedUpdates++;
      return;
    }
    const mine = this.#self.incarnation;
    if (update.state === 'Alive') {
      if (update.incarnation < mine) return;
      if (update.incarnation === mine && sameBytes(update.address, this.#self.address)) return;
      const above = trusted && update.incarnation > mine ? update.incarnation : mine;
      this.#refute(above + 1n, sender, false);
    } else if (update.incarnation < mine) {
      // A stale accusation: answer with our current state (once per message).
      if (this.config.lifeguard && !this.#answeredStale && !this.#refuted) {
        this.#answeredStale = true;
        this.#answerAccusers(sender, update.accuser);
      }
    } else if (this.#refute(mine + 1n, sender, true) && this.config.lifeguard) {
      this.#answerAccusers(sender, update.accuser);
    }
  }

  /**
   * Rises to `incarnation` (at most once per message); an answer to a record of our previous
   * run is told to `sender` at once. Returns `true` when it rose.
   */
  #refute(incarnation: bigint, sender: NodeId, accused: boolean): boolean {
    if (this.#refuted || incarnation > MAX_U64) return false;
    this.#refuted = true;
    this.#self = { ...this.#self, incarnation };
    this.#queue.enqueue(this.#self);
    this.stats.refutations++;
    if (accused && this.config.lifeguard) this.#health.apply(1);
    if (!accused) this.#tell(sender, this.#self);
    return true;
  }

  /**
   * Tells our state to the member that told us of an accusation and to the accuser it names
   * (when that is a live member, not a stranger's pick of target), so that the accuser — whose
   * verdict counts most — hears the refutation first-hand.
   */
  #answerAccusers(sender: NodeId, accuser: NodeId | undefined): void {
    this.#tell(sender, this.#self);
    if (accuser !== undefined && accuser !== sender && this.#trusted(accuser)) {
      this.#tell(accuser, this.#self);
    }
  }

  /**
   * `from`, which we hold dead, departed or forgotten, is talking to us: remind it (at most once
   * per protocol period) of our record — the incarnation it last announced, as an `Alive`, and
   * our verdict — after our own state, so that it can rise above both.
   */
  #remindIfDown(now: number, from: NodeId): void {
    const record = this.#recordOf(from);
    let last: MemberUpdate;
    if (record !== undefined) {
      const remindedAt = record.extra?.remindedAt;
      if (isLive(record.update.state)) return;
      if (remindedAt !== undefined && now - remindedAt < this.config.probeInterval) return;
      extraOf(record).remindedAt = now;
      last = record.update;
    } else {
      const tombstone = this.#tombstone(now, from);
      if (tombstone === undefined || now - tombstone.remindedAt < this.config.probeInterval) return;
      tombstone.remindedAt = now;
      last = {
        node: from,
        state: 'Dead',
        incarnation: tombstone.incarnation,
        address: EMPTY_ADDRESS,
      };
    }
    const updates = [this.#self, { ...last, state: 'Alive' as const }, last];
    this.#send(from, { type: 'Gossip', from: this.id, updates });
  }

  /**
   * The record of `node`, if any. The last lookup is kept: handling one message looks up its
   * sender several times (trust, piggyback, reminder), and a `bigint` key costs a hash each time.
   */
  #recordOf(node: NodeId): MemberRecord | undefined {
    if (node === this.#lookedUpNode) return this.#lookedUpRecord;
    const record = this.#records.get(node);
    this.#lookedUpNode = node;
    this.#lookedUpRecord = record;
    return record;
  }

  /** Makes `record`, the current record of its member, the last lookup (see `#recordOf`). */
  #remember(record: MemberRecord): void {
    this.#lookedUpNode = record.node;
    this.#lookedUpRecord = record;
  }

  /** `true` when `node` is a live (Alive or Suspect) member. */
  #trusted(node: NodeId): boolean {
    const record = this.#recordOf(node);
    return record !== undefined && isLive(record.update.state);
  }

  /** Sends `update` straight to `to` (e.g. our own state to the member that suspects us). */
  #tell(to: NodeId, update: MemberUpdate): void {
    if (to !== this.id) this.#send(to, { type: 'Gossip', from: this.id, updates: [update] });
  }

  /** The live tombstone of a forgotten `node`, if any. */
  #tombstone(now: number, node: NodeId): Tombstone | undefined {
    const tombstone = this.#tombstones.get(node);
    if (tombstone === undefined) return undefined;
    if (tombstone.until <= now) {
      this.#tombstones.delete(node);
      return undefined;
    }
    return tombstone;
  }

  /** Adds a member's record; `announce: false` for bootstrap members (no event to report). */
  #addRecord(update: MemberUpdate, announce = true): MemberRecord {
    const record: MemberRecord = {
      node: update.node,
      update,
      generation: 0,
      aliveAt: -1,
      forgotten: false,
      extra: undefined,
    };
    this.#records.set(update.node, record);
    this.#lookedUpNode = undefined;
    if (this.#healBackoff.size > 0) this.#healBackoff.delete(update.node);
    this.#memberList.changed();
    this.#liveCount++;
    this.#addAlive(record);
    if (this.#started) this.#schedule.insert(record);
    if (announce) this.#event('joined', update, undefined);
    return record;
  }

  /** Moves `record` to `next`, keeping the list view, counters, queue and events in step. */
  #setState(record: MemberRecord, update: MemberUpdate): void {
    const extra = record.extra;
    if (extra !== undefined) extra.quietUntil = undefined;
    // Only a Suspect names its accuser.
    const next = update.state === 'Suspect' ? update : withoutAccuser(update);
    const previous = record.update;
    record.update = next;
    record.generation++;
    if (next.state !== 'Suspect' && extra !== undefined) extra.suspicion = undefined;
    this.#queue.enqueue(next);
    const wasLive = isLive(previous.state);
    const isLiveNow = isLive(next.state);
    if (wasLive !== isLiveNow) this.#liveCount += isLiveNow ? 1 : -1;
    if (previous.state === 'Alive' && next.state !== 'Alive') this.#removeAlive(record);
    if (previous.state !== 'Alive' && next.state === 'Alive') this.#addAlive(record);
    if (previous.state === next.state) {
      this.#event('updated', next, previous.state);
      return;
    }
    if (next.state === 'Alive' && !wasLive && this.#started) this.#schedule.insert(record);
    // The list shows the records: a state change is one more version of it.
    this.#memberList.changed();
    this.#event(STATE_EVENT[next.state]!, next, previous.state);
  }

  // --- helpers ------------------------------------------------------------------------------

  #probeable(): MemberRecord[] {
    const records: MemberRecord[] = [];
    for (const record of this.#records.values()) {
      if (isLive(record.update.state)) records.push(record);
    }
    return records;
  }

  #addAlive(record: MemberRecord): void {
    if (record.aliveAt >= 0) return;
    record.aliveAt = this.#alive.length;
    this.#alive.push(record);
  }

  #removeAlive(record: MemberRecord): void {
    const index = record.aliveAt;
    if (index < 0) return;
    const last = this.#alive.pop()!;
    record.aliveAt = -1;
    if (last !== record) {
      this.#alive[index] = last;
      last.aliveAt = index;
    }
  }

  /** Up to `count` distinct random Alive members, never `exclude`. */
  #pickAlive(count: number, exclude: NodeId | undefined): NodeId[] {
    const alive = this.#alive;
    const excluded = exclude === undefined ? undefined : this.#recordOf(exclude);
    const available = alive.length - (excluded !== undefined && excluded.aliveAt >= 0 ? 1 : 0);
    if (count <= 0 || available <= 0) return [];
    const picked: NodeId[] = [];
    if (available <= count) {
      for (const record of alive) if (record.node !== exclude) picked.push(record.node);
      return picked;
    }
    while (picked.length < count) {
      const node = alive[this.#random.nextInt(alive.length)]!.node;
      if (node !== exclude && !picked.includes(node)) picked.push(node);
    }
    return picked;
  }

  #sendPushPull(to: NodeId, reply: boolean): void {
    this.#send(to, { type: 'PushPull', from: this.id, reply, members: this.#syncState() });
  }

  /**
   * This node's update and the others', within `maxPushPullBytes` and `maxUpdatesPerMessage`:
   * when everyone does not fit, a window of the others starting at a random member.
   */
  #syncState(): MemberUpdate[] {
    const room =
      this.config.maxPushPullBytes - EMPTY_PUSH_PULL_FRAME_BYTES - memberUpdateLength(this.#self);
    // Never more members than a default decoder accepts.
    const most = Math.min(this.config.maxUpdatesPerMessage, DEFAULT_PUSH_PULL_MEMBERS) - 1;
    let bytes = 0;
    for (const record of this.#records.values()) bytes += memberUpdateLength(record.update);
    if (this.#records.size <= most && bytes <= room) {
      // Everyone fits (the common case): no window, no copy of the records, and the array is
      // allocated at its size.
      const all = new Array<MemberUpdate>(this.#records.size + 1);
      all[0] = this.#self;
      let i = 1;
      for (const record of this.#records.values()) all[i++] = record.update;
      return all;
    }
    const members = [this.#self];
    const records = [...this.#records.values()];
    const start = this.#random.nextInt(records.length);
    bytes = 0;
    for (let i = 0; i < records.length && members.length <= most; i++) {
      const update = records[(start + i) % records.length]!.update;
      bytes += memberUpdateLength(update);
      if (bytes > room) break;
      members.push(update);
    }
    return members;
  }

  /**
   * Sends a `Gossip` frame right after a protocol message of `sentBytes` bytes to the member
   * `to`: first, when Lifeguard is on and `to` is suspected, its own suspicion (so it can refute
   * at once), then the queue's least-sent updates. The probe frame and the `Gossip` frame
   * together stay within `gossipBudget` bytes as the codec encodes them (one datagram).
   * Non-members get no piggyback.
   */
  #piggyback(to: NodeId, sentBytes: number): void {
    const record = this.#recordOf(to);
    if (record === undefined || !isLive(record.update.state)) return;
    let budget = this.config.gossipBudget - sentBytes;
    let first: MemberUpdate | undefined;
    const own = record.update;
    if (
      this.config.lifeguard &&
      own.state === 'Suspect' &&
      budget >= EMPTY_GOSSIP_FRAME_BYTES + memberUpdateLength(own)
    ) {
      first = own;
      budget -= memberUpdateLength(own);
    }
    if (this.#queue.size === 0 && first === undefined) return;
    const limit = retransmitLimit(this.config.retransmitMult, this.#liveCount);
    const updates =
      budget - EMPTY_GOSSIP_FRAME_BYTES >= BARE_UPDATE_BYTES
        ? this.#queue.take(budget, limit, first?.node)
        : [];
    if (first !== undefined) updates.unshift(first);
    if (updates.length > 0) this.#send(to, { type: 'Gossip', from: this.id, updates });
  }

  #nextSeq(): bigint {
    this.#seq++;
    return this.#seq;
  }

  #send(to: NodeId, message: Message): void {
    const direct = this.#direct;
    if (direct === undefined) this.#out.messages.push({ to, message });
    else direct.addMessage(to, message);
  }

  #timer(at: number, timer: SwimTimer): void {
    const direct = this.#direct;
    if (direct === undefined) this.#out.timers.push({ at, timer });
    else direct.addTimer(at, timer);
  }

  #event(type: MembershipEventType, member: MemberUpdate, previous: MemberUpdateState | undefined) {
    const change: MembershipChange = { type, member, previous };
    const direct = this.#direct;
    if (direct === undefined) this.#out.events.push(change);
    else direct.addEvent(change);
  }

  #run(body: () => void): SwimOutput {
    const out = this.#begin();
    body();
    return out;
  }

  /** A fresh output for the call that begins: everything the engine does goes into it. */
  #begin(): SwimOutput {
    const out = newOutput();
    this.#out = out;
    this.#direct = undefined;
    return out;
  }

  /** The call that begins writes into `out`, emptied first (see {@link handleMessageInto}). */
  #beginWith(out: DriverOutput): void {
    out.clear();
    this.#direct = out;
  }
}

/**
 * @internal Every known member's latest update, `engine`'s own first, without copies: for the
 * driver, which only reads them (see {@link SwimEngine.members} for copies).
 */
export function membersOf(engine: SwimEngine): readonly MemberUpdate[] {
  return readMembers(engine);
}

/**
 * @internal Like `engine.handleMessage`, but writes into `out` (emptied first) instead of a new
 * output: for a driver that applies each output at once and reuses one (see {@link DriverOutput}).
 */
export function handleMessageInto(
  engine: SwimEngine,
  out: DriverOutput,
  now: number,
  from: NodeId,
  message: Message,
): void {
  handleMessageWith(engine, out, now, from, message);
}

/** @internal Like `engine.handleTimer`, writing into `out` (see {@link handleMessageInto}). */
export function handleTimerInto(
  engine: SwimEngine,
  out: DriverOutput,
  now: number,
  timer: SwimTimer,
): void {
  handleTimerWith(engine, out, now, timer);
}

function newOutput(): SwimOutput {
  return { messages: [], timers: [], events: [] };
}

const STATE_EVENT: Readonly<Record<MemberUpdateState, MembershipEventType>> = {
  Alive: 'alive',
  Suspect: 'suspected',
  Dead: 'dead',
  Left: 'left',
};

function withoutAccuser(update: MemberUpdate): MemberUpdate {
  if (update.accuser === undefined) return update;
  const { node, state, incarnation, address } = update;
  return { node, state, incarnation, address };
}

function isLive(state: MemberUpdateState): boolean {
  return state === 'Alive' || state === 'Suspect';
}

function copyUpdate(update: MemberUpdate): MemberUpdate {
  return { ...update, address: copyAddress(update.address) };
}

/** A copy of `address`; empty addresses share one empty array (there is nothing to change in it). */
function copyAddress(address: Uint8Array): Uint8Array {
  return address.length === 0 ? EMPTY_ADDRESS : address.slice();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
