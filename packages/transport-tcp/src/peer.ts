import type { NodeId, TimerHandle } from '@tala-net/types';
import type { Connection } from './connection.js';
import { OutboundQueue } from './outbound-queue.js';
import { Counters } from './tcp-stats.js';

/** A `dial()` (or a send) waiting for a peer's connection to open. */
export interface OpenWaiter {
  resolve(peer: NodeId): void;
  reject(error: Error): void;
}

/** The waiters of a peer that has none: shared, so that an idle peer holds no arrays of its own. */
const NO_WAITERS: never[] = [];

/**
 * The queue of a peer that was never sent anything: empty, shared, and refusing every frame (its
 * bounds are 0), so that nothing can be queued in it by mistake.
 */
const NO_QUEUE = new OutboundQueue(0, 0);

/** What a transport keeps for one peer: its queue, its connection, its dial state, its counters. */
export class Peer {
  readonly counters = new Counters();
  /** Created by the first send (see {@link Peer.queue}). */
  #queue: OutboundQueue | undefined;
  /** The open connection, if any. */
  connection: Connection | undefined;
  /** An outbound connection whose handshake is running, if any. */
  dialing: Connection | undefined;
  /** Consecutive failed dials (reset when a connection opens). */
  failedDials = 0;
  /** The pending redial, if any. */
  redial: TimerHandle | undefined;
  /** Whether a connection was ever open (the next one counts as a reconnect). */
  everConnected = false;
  /** Promises of `drained(peer)` (add with {@link Peer.addDrainWaiter}). */
  drainWaiters: readonly (() => void)[] = NO_WAITERS;
  /**
   * `dial()`s that resolve when this peer's connection opens (their own lost to another); add
   * with {@link Peer.addOpenWaiter}.
   */
  openWaiters: readonly OpenWaiter[] = NO_WAITERS;

  constructor(readonly id: NodeId) {}

  /**
   * The frames waiting for this peer: a shared empty queue until the first send (an idle peer,
   * such as one that only sends to us, holds none of its own); send through
   * {@link Peer.queueForSending}.
   */
  get queue(): OutboundQueue {
    return this.#queue ?? NO_QUEUE;
  }

  /** This peer's own queue, created with the transport's bounds on first use. */
  queueForSending(maxFrames: number, maxBytes: number): OutboundQueue {
    this.#queue ??= new OutboundQueue(maxFrames, maxBytes);
    return this.#queue;
  }

  /** Frames queued or being written. */
  get bufferedFrames(): number {
    return this.queue.frames + (this.connection?.writingFrames ?? 0);
  }

  /** Bytes queued or being written. */
  get bufferedBytes(): number {
    return this.queue.bytes + (this.connection?.writingBytes ?? 0);
  }

  /** Resolves the `drained()` promises when nothing is buffered. */
  settleDrained(force = false): void {
    if (this.drainWaiters.length === 0 || (!force && this.bufferedFrames > 0)) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = NO_WAITERS;
    for (const resolve of waiters) resolve();
  }

  /** Adds a `drained(peer)` promise's resolver. */
  addDrainWaiter(waiter: () => void): void {
    if (this.drainWaiters === NO_WAITERS) this.drainWaiters = [waiter];
    else (this.drainWaiters as (() => void)[]).push(waiter);
  }

  /** Adds a `dial()` that resolves when this peer's connection opens. */
  addOpenWaiter(waiter: OpenWaiter): void {
    if (this.openWaiters === NO_WAITERS) this.openWaiters = [waiter];
    else (this.openWaiters as OpenWaiter[]).push(waiter);
  }

  /** Removes and returns the open waiters. */
  takeOpenWaiters(): readonly OpenWaiter[] {
    const waiters = this.openWaiters;
    this.openWaiters = NO_WAITERS;
    return waiters;
  }

  /** `true` when nothing references this peer any more and it can be forgotten. */
  get idle(): boolean {
    return (
      this.connection === undefined &&
      this.dialing === undefined &&
      this.redial === undefined &&
      this.queue.frames === 0 &&
      this.drainWaiters.length === 0 &&
      this.openWaiters.length === 0
    );
  }
}
