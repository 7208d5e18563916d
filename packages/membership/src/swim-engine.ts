import type { Message, NodeId, Random } from '@tala-net/types';
import { TalaError } from '@tala-net/types';
import {
  DisseminationQueue,
  GOSSIP_HEADER_SIZE,
  memberUpdateSize,
  retransmitLimit,
} from './dissemination-queue.js';
import { LocalHealth } from './local-health.js';
import { MembershipList } from './membership-list.js';
import { ProbeSchedule } from './probe-schedule.js';
import { Suspicion, suspicionBounds } from './suspicion.js';
import { type SwimConfig, swimConfig } from './swim-config.js';
import type { MemberUpdate, MemberUpdateState } from './swim-messages.js';
import type { MembershipChange, MembershipEventType, SwimOutput, SwimTimer } from './swim-types.js';
import { registerSwimMessages } from './swim-wire.js';

/** Options of a {@link SwimEngine}. */
export interface SwimEngineOptions {
  /** This node's id. */
  readonly id: NodeId;
  /** Source of every random choice (probe order, relays, push-pull partner). */
  readonly random: Random;
  /**
   * Protocol tuning.
   * @default swimConfig('lan')
   */
  readonly config?: SwimConfig;
  /**
   * This node's opaque transport address, gossiped to the others.
   * @default an empty address
   */
  readonly address?: Uint8Array;
  /**
   * Members to contact on `start` (push-pull) and, whenever they are not known to be live,
   * during healing (for good: a partition may outlast `reclaimTime`).
   * @default []
   */
  readonly seeds?: readonly NodeId[];
  /**
   * Members known from the start (a static bootstrap); updates about this node are ignored.
   * Like seeds, they stay healing candidates whenever they are not known to be live.
   * @default []
   */
  readonly members?: readonly MemberUpdate[];
  /**
   * Incarnation to start with. A restarted node may start at 0: it learns its previous
   * incarnation from the others and rises above it.
   * @default 0n
   */
  readonly incarnation?: bigint;
}

/** Counters of a {@link SwimEngine}. */
export interface SwimEngineStats {
  /** Messages ignored because they were malformed or claimed another sender. */
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
}

/**
 * The largest incarnation accepted from a peer (2^64 − 2): a node can always refute it with
 * 2^64 − 1, the largest u64. Updates above it are rejected as malformed.
 */
export const MAX_INCARNATION = 0xffff_ffff_ffff_fffen;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

interface MemberRecord {
  readonly node: NodeId;
  update: MemberUpdate;
  generation: number;
  suspicion: Suspicion | undefined;
  /** When the member was declared Dead or Left (for the reclaim timer). */
  downSince: number;
}

interface Tombstone {
  readonly incarnation: bigint;
  readonly until: number;
}

interface PendingProbe {
  readonly seq: bigint;
  readonly target: NodeId;
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

const PROBE: SwimTimer = { kind: 'probe' };
const PUSH_PULL: SwimTimer = { kind: 'pushPull' };
const HEAL: SwimTimer = { kind: 'heal' };
const EMPTY_ADDRESS = new Uint8Array(0);
const LEAVE_FANOUT = 3;
/** Most standalone `Gossip` frames a node sends per period to drain a backlog. */
const MAX_BACKLOG_FRAMES = 12;
/** Encoded sizes of the probe frames a `Gossip` frame follows (see docs/wire-format.md). */
const PROBE_FRAME_SIZE = 16;
const INDIRECT_FRAME_SIZE = 24;

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
  readonly list = new MembershipList();
  /** Counters. */
  readonly stats: SwimEngineStats = {
    badMessages: 0,
    refutations: 0,
    suspicionsRaised: 0,
    ignoredMessages: 0,
    droppedUpdates: 0,
    staleUpdates: 0,
  };

  readonly #random: Random;
  readonly #address: Uint8Array;
  readonly #seeds: readonly NodeId[];
  /** Seeds and bootstrap members: always offered healing syncs when not known to be live. */
  readonly #bootstrap: ReadonlySet<NodeId>;
  /** Bootstrap members with no record (never met, or forgotten): healing candidates. */
  readonly #unknownBootstrap = new Set<NodeId>();
  /** Members whose state is Dead: healing candidates, kept here so healing scans no list. */
  readonly #dead = new Set<NodeId>();
  /** Members whose state is Suspect (usually none: piggybacking checks here first). */
  readonly #suspects = new Set<NodeId>();
  readonly #probeableNow = (): NodeId[] => this.#probeable();
  readonly #isProbeable = (node: NodeId): boolean =>
    this.#aliveIndex.has(node) || this.#suspects.has(node);
  /** Recently forgotten members: node → incarnation it was forgotten at (insertion ordered). */
  readonly #tombstones = new Map<NodeId, Tombstone>();
  readonly #records = new Map<NodeId, MemberRecord>();
  /** Alive members other than this node, for random picks. */
  readonly #alive: NodeId[] = [];
  readonly #aliveIndex = new Map<NodeId, number>();
  readonly #queue = new DisseminationQueue();
  readonly #schedule: ProbeSchedule;
  readonly #health: LocalHealth;
  readonly #relays = new Map<bigint, Relay>();
  /** Check probes of members suspected by others: seq → member. */
  readonly #checks = new Map<bigint, NodeId>();
  #self: MemberUpdate;
  #liveCount = 1;
  #seq = 0n;
  #pending: PendingProbe | undefined;
  #started = false;
  #left = false;
  #out: SwimOutput = newOutput();

  constructor(options: SwimEngineOptions) {
    registerSwimMessages();
    this.id = options.id;
    this.config = options.config ?? swimConfig('lan');
    this.#random = options.random;
    this.#address = options.address === undefined ? EMPTY_ADDRESS : options.address.slice();
    this.#seeds = (options.seeds ?? []).filter((seed) => seed !== options.id);
    this.#schedule = new ProbeSchedule(this.#random);
    this.#health = new LocalHealth(this.config.lifeguard ? this.config.awarenessMaxMultiplier : 1);
    const incarnation = options.incarnation ?? 0n;
    if (typeof incarnation !== 'bigint' || incarnation < 0n || incarnation > MAX_INCARNATION) {
      throw new TalaError('InvalidArgument', `SwimEngine: bad incarnation ${String(incarnation)}`);
    }
    this.#self = {
      node: this.id,
      state: 'Alive',
      incarnation,
      address: this.#address,
    };
    this.list.addMember(this.id);
    for (const member of options.members ?? []) {
      if (member.node === this.id || this.#records.has(member.node)) continue;
      if (member.state !== 'Alive' && member.state !== 'Suspect') continue;
      const update: MemberUpdate = {
        node: member.node,
        state: 'Alive',
        incarnation: member.incarnation,
        address: member.address,
      };
      this.#addRecord(update, false);
    }
    const bootstrap = new Set(this.#seeds);
    for (const member of options.members ?? [])
      if (member.node !== this.id) bootstrap.add(member.node);
    this.#bootstrap = bootstrap;
    for (const node of bootstrap) if (!this.#records.has(node)) this.#unknownBootstrap.add(node);
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
    const update = node === this.id ? this.#self : this.#records.get(node)?.update;
    return update === undefined ? undefined : copyUpdate(update);
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
   * Leaves the cluster gracefully: announces `Left` to a few members and in every later
   * piggyback, stops probing, and keeps answering probes until the driver stops. Idempotent.
   */
  leave(_now: number): SwimOutput {
    return this.#run(() => {
      if (this.#left) return;
      this.#left = true;
      this.#pending = undefined;
      this.#self = { ...this.#self, state: 'Left' };
      this.list.markDead(this.id);
      this.#liveCount--;
      this.#queue.enqueue(this.#self);
      for (const node of this.#pickAlive(LEAVE_FANOUT, undefined)) {
        this.#send(node, { type: 'Gossip', from: this.id, updates: [this.#self] });
      }
    });
  }

  /** Handles a message received at `now` from `from`. Malformed input is counted and ignored. */
  handleMessage(now: number, from: NodeId, message: Message): SwimOutput {
    return this.#run(() => {
      if (!isSwimMessage(message)) {
        this.stats.ignoredMessages++;
        return;
      }
      if (message.from !== from || !validMessage(message)) {
        this.stats.badMessages++;
        return;
      }
      switch (message.type) {
        case 'Ping':
          this.#send(from, { type: 'Pong', from: this.id, seq: message.seq });
          this.#piggyback(from, PROBE_FRAME_SIZE);
          return;
        case 'Pong':
          this.#onAck(from, message.seq);
          return;
        case 'PingReq':
          this.#onPingReq(now, from, message.seq, message.target);
          return;
        case 'IndirectAck': {
          const pending = this.#pending;
          if (pending?.seq === message.seq && pending.target === message.target) {
            this.#acked(pending);
          }
          return;
        }
        case 'Nack': {
          const pending = this.#pending;
          if (pending?.seq === message.seq && pending.target === message.target) pending.nacks++;
          return;
        }
        case 'Gossip':
          for (const update of this.#bounded(message.updates)) {
            this.#apply(now, update, from, false);
          }
          return;
        case 'PushPull':
          for (const update of this.#bounded(message.members)) this.#apply(now, update, from, true);
          if (!message.reply) this.#sendPushPull(from, true);
          return;
      }
    });
  }

  /**
   * Handles a timer (set from an earlier output) firing at `now`. A timer may fire a little
   * early or late: deadlines are checked against `now` and re-armed when not yet due.
   */
  handleTimer(now: number, timer: SwimTimer): SwimOutput {
    return this.#run(() => {
      switch (timer.kind) {
        case 'probe':
          this.#onProbe(now);
          return;
        case 'probeTimeout':
          this.#onProbeTimeout(now, timer.seq);
          return;

        case 'relayTimeout': {
          const relay = this.#relays.get(timer.seq);
          if (relay === undefined) return;
          this.#relays.delete(timer.seq);
          if (this.config.lifeguard) {
            this.#send(relay.requester, {
              type: 'Nack',
              from: this.id,
              seq: relay.seq,
              target: relay.target,
            });
          }
          return;
        }
        case 'verifyTimeout': {
          const node = this.#checks.get(timer.seq);
          if (node === undefined) return;
          this.#checks.delete(timer.seq);
          const record = this.#records.get(node);
          if (record?.update.state === 'Suspect') this.#addEvidence(record);
          return;
        }
        case 'suspicion':
          this.#onSuspicionTimer(now, timer.node, timer.incarnation);
          return;
        case 'pushPull':
          this.#onPushPull(now);
          return;
        case 'heal':
          this.#onHeal(now);
          return;
        case 'reclaim': {
          const record = this.#records.get(timer.node);
          if (record === undefined || record.generation !== timer.generation) return;
          if (record.update.state !== 'Dead' && record.update.state !== 'Left') return;
          const due = record.downSince + this.config.reclaimTime;
          if (now < due) {
            // Fired early (a coarse real clock): come back when it is really due.
            this.#timer(due, timer);
            return;
          }
          this.#forget(now, record);
          return;
        }
      }
    });
  }

  // --- protocol periods ---------------------------------------------------------------------

  #onProbe(now: number): void {
    if (this.#left) return;
    this.#finishProbe(now);
    this.#timer(now + this.#health.scale(this.config.probeInterval), PROBE);
    if (this.#alive.length === 0 && this.#seeds.length > 0) {
      // Alone: keep trying to join through a seed.
      this.#sendPushPull(this.#seeds[this.#random.nextInt(this.#seeds.length)]!, false);
    }
    const target = this.#schedule.next(this.#probeableNow, this.#isProbeable);
    this.#flushBacklog(target);
    if (target === undefined) return;
    const seq = this.#nextSeq();
    this.#pending = { seq, target, acked: false, nacks: 0, expectedNacks: 0, indirectAt: 0 };
    this.#send(target, { type: 'Ping', from: this.id, seq });
    this.#piggyback(target, PROBE_FRAME_SIZE);
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
      this.#piggyback(relay, INDIRECT_FRAME_SIZE);
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
    if (this.config.lifeguard) {
      // Lifeguard: a missed probe with no relay to ask counts once; otherwise each relay that
      // neither acked nor nacked counts — but only when it had the time to nack (a period cut
      // short, e.g. by an early timer, charges nothing for relays).
      if (pending.expectedNacks === 0) this.#health.apply(1);
      else if (now - pending.indirectAt >= this.#relayNackDelay()) {
        this.#health.apply(Math.max(0, pending.expectedNacks - pending.nacks));
      }
    }
    const record = this.#records.get(pending.target);
    if (record === undefined) return;
    const { state, incarnation } = record.update;
    if (state === 'Alive') {
      this.stats.suspicionsRaised++;
      this.#suspect(now, record, incarnation, this.id);
    } else if (state === 'Suspect') {
      this.#addEvidence(record);
    }
  }

  #onAck(from: NodeId, seq: bigint): void {
    const pending = this.#pending;
    if (pending?.seq === seq && pending.target === from) {
      this.#acked(pending);
      return;
    }
    if (this.#checks.get(seq) === from) {
      // The suspect answered our check: no evidence of our own, the suspicion keeps its long
      // timeout (and the suspect was told, so it refutes).
      this.#checks.delete(seq);
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
      this.#piggyback(relay.requester, INDIRECT_FRAME_SIZE);
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
    const relaySeq = this.#nextSeq();
    this.#relays.set(relaySeq, { requester, seq, target });
    this.#send(target, { type: 'Ping', from: this.id, seq: relaySeq });
    this.#piggyback(target, PROBE_FRAME_SIZE);
    // Lifeguard: nack well inside the time the requester still waits.
    this.#timer(now + this.#relayNackDelay(), { kind: 'relayTimeout', seq: relaySeq });
  }

  #onPushPull(now: number): void {
    this.#timer(now + this.#pushPullInterval(), PUSH_PULL);
    if (this.#left) return;
    const [partner] = this.#pickAlive(1, undefined);
    if (partner !== undefined) this.#sendPushPull(partner, false);
  }

  #onHeal(now: number): void {
    this.#timer(now + this.config.healInterval, HEAL);
    if (this.#left) return;
    const candidates = new Set<NodeId>(this.#dead);
    // Seeds and bootstrap members stay candidates for good (a partition may outlast the reclaim
    // time), and so do recently forgotten members.
    for (const node of this.#unknownBootstrap) candidates.add(node);
    this.#pruneTombstones(now);
    for (const node of this.#tombstones.keys()) candidates.add(node);
    if (candidates.size === 0) return;
    const list = [...candidates];
    this.#sendPushPull(list[this.#random.nextInt(list.length)]!, false);
  }

  #forget(now: number, record: MemberRecord): void {
    this.#records.delete(record.node);
    this.#dead.delete(record.node);
    if (this.#bootstrap.has(record.node)) this.#unknownBootstrap.add(record.node);
    this.list.removeMember(record.node);
    this.#pruneTombstones(now);
    this.#tombstones.delete(record.node);
    this.#tombstones.set(record.node, {
      incarnation: record.update.incarnation,
      until: now + this.config.reclaimTime,
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

  #suspect(now: number, record: MemberRecord, incarnation: bigint, reporter: NodeId): void {
    const bounds = suspicionBounds(this.config, this.#liveCount);
    const expected = this.config.lifeguard
      ? this.#liveCount - 2 < this.config.suspicionMult - 2
        ? 0
        : Math.max(0, this.config.suspicionMult - 2)
      : 0;
    const own = reporter === this.id || !this.config.lifeguard;
    const suspicion = new Suspicion(incarnation, now, bounds, expected, reporter, own);
    this.#setState(record, { ...record.update, state: 'Suspect', incarnation });
    record.suspicion = suspicion;
    this.#timer(suspicion.deadline, { kind: 'suspicion', node: record.node, incarnation });
    if (!own && !this.#left) {
      // Lifeguard: check the suspect ourselves; the check carries the suspicion to it first.
      const seq = this.#nextSeq();
      this.#checks.set(seq, record.node);
      this.#send(record.node, { type: 'Ping', from: this.id, seq });
      this.#piggyback(record.node, PROBE_FRAME_SIZE);
      this.#timer(now + this.#health.scale(this.config.probeTimeout), {
        kind: 'verifyTimeout',
        seq,
      });
    }
  }

  #addEvidence(record: MemberRecord): void {
    const suspicion = record.suspicion;
    if (suspicion?.addEvidence()) {
      this.#timer(suspicion.deadline, {
        kind: 'suspicion',
        node: record.node,
        incarnation: suspicion.incarnation,
      });
    }
  }

  #confirm(record: MemberRecord, reporter: NodeId): void {
    const suspicion = record.suspicion;
    if (suspicion === undefined || !this.config.lifeguard) return;
    if (suspicion.confirm(reporter)) {
      this.#timer(suspicion.deadline, {
        kind: 'suspicion',
        node: record.node,
        incarnation: suspicion.incarnation,
      });
    }
  }

  #onSuspicionTimer(now: number, node: NodeId, incarnation: bigint): void {
    const record = this.#records.get(node);
    if (record === undefined || record.update.state !== 'Suspect') return;
    const suspicion = record.suspicion;
    if (suspicion === undefined || suspicion.incarnation !== incarnation) return;
    if (now < suspicion.deadline) {
      // Fired early (a coarse real clock) or for an older, later deadline: re-arm at the
      // deadline. Deadlines only move earlier, so at most one timer per deadline re-arms.
      this.#timer(suspicion.deadline, { kind: 'suspicion', node, incarnation });
      return;
    }
    this.#kill(now, record, incarnation, 'Dead');
    // Push the verdict to a few members at once instead of waiting for the next piggyback.
    for (const node of this.#pickAlive(this.config.indirectChecks, undefined)) {
      this.#send(node, { type: 'Gossip', from: this.id, updates: [record.update] });
    }
  }

  #kill(now: number, record: MemberRecord, incarnation: bigint, state: 'Dead' | 'Left'): void {
    this.#setState(record, { ...record.update, state, incarnation });
    record.downSince = now;
    this.#timer(now + this.config.reclaimTime, {
      kind: 'reclaim',
      node: record.node,
      generation: record.generation,
    });
  }

  // --- merging updates ----------------------------------------------------------------------

  #apply(now: number, update: MemberUpdate, sender: NodeId, sync: boolean): void {
    if (update.node === this.id) {
      this.#aboutSelf(update, sender);
      return;
    }
    // A full-state sync may be stale: its deaths only make us suspect (as memberlist does).
    const state: MemberUpdateState = sync && update.state === 'Dead' ? 'Suspect' : update.state;
    const incarnation = update.incarnation;
    const record = this.#records.get(update.node);
    if (record === undefined) {
      // Only an Alive update makes a member known: a Suspect, Dead or Left update about a member
      // we do not know (or forgot) is old news, and must not bring it back.
      if (state !== 'Alive') return;
      const tombstone = this.#tombstone(now, update.node);
      if (tombstone !== undefined && incarnation <= tombstone.incarnation) {
        this.stats.staleUpdates++;
        // The member itself is back: tell it what we last knew so it rises above it.
        if (sender === update.node) {
          this.#tell(sender, {
            node: update.node,
            state: 'Dead',
            incarnation: tombstone.incarnation,
            address: update.address,
          });
        }
        return;
      }
      this.#tombstones.delete(update.node);
      const added = this.#addRecord({ ...update, address: update.address.slice() });
      this.#queue.enqueue(added.update);
      return;
    }
    const current = record.update;
    switch (state) {
      case 'Alive':
        if (incarnation > current.incarnation) {
          this.#setState(record, {
            node: record.node,
            state: 'Alive',
            incarnation,
            address: update.address.slice(),
          });
        } else if (
          sender === update.node &&
          (current.state === 'Dead' || current.state === 'Left')
        ) {
          // A member we think is down speaks for itself: tell it, so it refutes.
          this.#tell(sender, current);
        }
        return;
      case 'Suspect':
        if (
          incarnation > current.incarnation ||
          (incarnation === current.incarnation && current.state === 'Alive')
        ) {
          this.#suspect(now, record, incarnation, sender);
        } else if (incarnation === current.incarnation && current.state === 'Suspect') {
          this.#confirm(record, sender);
        }
        return;
      case 'Dead':
        if (
          incarnation > current.incarnation ||
          (incarnation === current.incarnation &&
            (current.state === 'Alive' || current.state === 'Suspect'))
        ) {
          this.#kill(now, record, incarnation, 'Dead');
        }
        return;
      case 'Left':
        if (
          incarnation > current.incarnation ||
          (incarnation === current.incarnation && current.state !== 'Left')
        ) {
          this.#kill(now, record, incarnation, 'Left');
        }
        return;
    }
  }

  #aboutSelf(update: MemberUpdate, sender: NodeId): void {
    if (this.#left) return;
    const mine = this.#self.incarnation;
    if (update.incarnation < mine) {
      // A stale accusation: still answer the accuser with our current state.
      if (update.state !== 'Alive' && this.config.lifeguard) this.#tell(sender, this.#self);
      return;
    }
    if (
      update.state === 'Alive' &&
      update.incarnation === mine &&
      sameBytes(update.address, this.#self.address)
    ) {
      return; // exactly what we say about ourselves
    }
    // Refute: rise above whatever the others believe about us (a suspicion, a death, or an
    // Alive at our incarnation or above with another address — e.g. our previous run's).
    // validUpdate caps incoming incarnations below MAX_INCARNATION, so this never overflows u64.
    this.#self = { ...this.#self, incarnation: update.incarnation + 1n };
    this.#queue.enqueue(this.#self);
    this.stats.refutations++;
    if (update.state === 'Alive') {
      // Someone holds an outdated record of us (our previous run): correct it at once.
      this.#tell(sender, this.#self);
    } else if (this.config.lifeguard) {
      this.#health.apply(1);
      this.#tell(sender, this.#self);
    }
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
      suspicion: undefined,
      downSince: 0,
    };
    this.#records.set(update.node, record);
    this.#unknownBootstrap.delete(update.node);
    this.list.addMember(update.node);
    this.#liveCount++;
    this.#addAlive(update.node);
    if (this.#started) this.#schedule.insert(update.node);
    if (announce) this.#event('joined', update, undefined);
    return record;
  }

  /** Moves `record` to `next`, keeping the list view, counters, queue and events in step. */
  #setState(record: MemberRecord, next: MemberUpdate): void {
    const previous = record.update;
    record.update = next;
    record.generation++;
    if (next.state !== 'Suspect') record.suspicion = undefined;
    this.#queue.enqueue(next);
    const wasLive = previous.state === 'Alive' || previous.state === 'Suspect';
    const isLive = next.state === 'Alive' || next.state === 'Suspect';
    if (wasLive !== isLive) this.#liveCount += isLive ? 1 : -1;
    if (previous.state === 'Alive' && next.state !== 'Alive') this.#removeAlive(record.node);
    if (previous.state !== 'Alive' && next.state === 'Alive') this.#addAlive(record.node);
    if (next.state === 'Dead') this.#dead.add(record.node);
    else if (previous.state === 'Dead') this.#dead.delete(record.node);
    if (next.state === 'Suspect') this.#suspects.add(record.node);
    else if (previous.state === 'Suspect') this.#suspects.delete(record.node);
    if (previous.state === next.state) {
      this.#event('updated', next, previous.state);
      return;
    }
    switch (next.state) {
      case 'Alive':
        this.list.addMember(record.node);
        if (!wasLive && this.#started) this.#schedule.insert(record.node);
        this.#event('alive', next, previous.state);
        return;
      case 'Suspect':
        this.list.markSuspect(record.node);
        this.#event('suspected', next, previous.state);
        return;
      case 'Dead':
        this.list.markDead(record.node);
        this.#event('dead', next, previous.state);
        return;
      case 'Left':
        this.list.markDead(record.node);
        this.#event('left', next, previous.state);
        return;
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  #probeable(): NodeId[] {
    const nodes: NodeId[] = [];
    for (const record of this.#records.values()) {
      const state = record.update.state;
      if (state === 'Alive' || state === 'Suspect') nodes.push(record.node);
    }
    return nodes;
  }

  #addAlive(node: NodeId): void {
    if (this.#aliveIndex.has(node)) return;
    this.#aliveIndex.set(node, this.#alive.length);
    this.#alive.push(node);
  }

  #removeAlive(node: NodeId): void {
    const index = this.#aliveIndex.get(node);
    if (index === undefined) return;
    const last = this.#alive.pop()!;
    this.#aliveIndex.delete(node);
    if (last !== node) {
      this.#alive[index] = last;
      this.#aliveIndex.set(last, index);
    }
  }

  /** Up to `count` distinct random Alive members, never `exclude`. */
  #pickAlive(count: number, exclude: NodeId | undefined): NodeId[] {
    const alive = this.#alive;
    const available =
      alive.length - (exclude !== undefined && this.#aliveIndex.has(exclude) ? 1 : 0);
    if (count <= 0 || available <= 0) return [];
    if (available <= count) return alive.filter((node) => node !== exclude);
    const picked: NodeId[] = [];
    while (picked.length < count) {
      const node = alive[this.#random.nextInt(alive.length)]!;
      if (node !== exclude && !picked.includes(node)) picked.push(node);
    }
    return picked;
  }

  #sendPushPull(to: NodeId, reply: boolean): void {
    this.#send(to, { type: 'PushPull', from: this.id, reply, members: this.#members() });
  }

  /**
   * Sends a `Gossip` frame right after a protocol message of `sentSize` bytes to `to`: first,
   * when Lifeguard is on and `to` is suspected, its own suspicion (so it can refute at once),
   * then the queue's least-sent updates. The probe frame and the `Gossip` frame together stay
   * within `gossipBudget` bytes (one datagram).
   */
  #piggyback(to: NodeId, sentSize: number): void {
    let budget = this.config.gossipBudget - sentSize;
    let first: MemberUpdate | undefined;
    if (this.config.lifeguard && this.#suspects.has(to)) {
      const update = this.#records.get(to)?.update;
      if (update?.state === 'Suspect' && budget >= GOSSIP_HEADER_SIZE + memberUpdateSize(update)) {
        first = update;
        budget -= memberUpdateSize(update);
      }
    }
    if (this.#queue.size === 0 && first === undefined) return;
    const limit = retransmitLimit(this.config.retransmitMult, this.#liveCount);
    const updates =
      budget - GOSSIP_HEADER_SIZE >= 19 ? this.#queue.take(budget, limit, first?.node) : [];
    if (first !== undefined) updates.unshift(first);
    if (updates.length > 0) this.#send(to, { type: 'Gossip', from: this.id, updates });
  }

  #nextSeq(): bigint {
    this.#seq++;
    return this.#seq;
  }

  #send(to: NodeId, message: Message): void {
    this.#out.messages.push({ to, message });
  }

  #timer(at: number, timer: SwimTimer): void {
    this.#out.timers.push({ at, timer });
  }

  #event(type: MembershipEventType, member: MemberUpdate, previous: MemberUpdateState | undefined) {
    const change: MembershipChange = { type, member, previous };
    this.#out.events.push(change);
  }

  #run(body: () => void): SwimOutput {
    const out = newOutput();
    this.#out = out;
    body();
    return out;
  }
}

function newOutput(): SwimOutput {
  return { messages: [], timers: [], events: [] };
}

type SwimMessage = Extract<
  Message,
  { type: 'Ping' | 'Pong' | 'PingReq' | 'IndirectAck' | 'Nack' | 'Gossip' | 'PushPull' }
>;

function isSwimMessage(message: Message): message is SwimMessage {
  switch (message?.type) {
    case 'Ping':
    case 'Pong':
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
    case 'Gossip':
    case 'PushPull':
      return true;
    default:
      return false;
  }
}

const STATES = new Set<string>(['Alive', 'Suspect', 'Dead', 'Left']);

function validMessage(message: SwimMessage): boolean {
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      return isU64(message.seq);
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      return isU64(message.seq) && isU64(message.target);
    case 'Gossip':
      return Array.isArray(message.updates) && message.updates.every(validUpdate);
    case 'PushPull':
      return (
        typeof message.reply === 'boolean' &&
        Array.isArray(message.members) &&
        message.members.every(validUpdate)
      );
  }
}

function validUpdate(update: MemberUpdate): boolean {
  return (
    typeof update === 'object' &&
    update !== null &&
    isU64(update.node) &&
    STATES.has(update.state) &&
    typeof update.incarnation === 'bigint' &&
    update.incarnation >= 0n &&
    update.incarnation <= MAX_INCARNATION &&
    update.address instanceof Uint8Array &&
    update.address.length <= 0xffff
  );
}

function isU64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_U64;
}

function copyUpdate(update: MemberUpdate): MemberUpdate {
  return { ...update, address: update.address.slice() };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
