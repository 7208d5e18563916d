import type { NodeId, TimerHandle } from '@tala-net/types';
import type { Connection } from './connection.js';
import { OutboundQueue } from './outbound-queue.js';
import { Counters } from './tcp-stats.js';

/** A `dial()` (or a send) waiting for a peer's connection to open. */
export interface OpenWaiter {
  resolve(peer: NodeId): void;
  reject(error: Error): void;
}

/** What a transport keeps for one peer: its queue, its connection, its dial state, its counters. */
export class Peer {
  readonly counters = new Counters();
  readonly queue: OutboundQueue;
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
  /** Promises of `drained(peer)`. */
  drainWaiters: (() => void)[] = [];
  /** `dial()`s that resolve when this peer's connection opens (their own lost to another). */
  openWaiters: OpenWaiter[] = [];

  constructor(
    readonly id: NodeId,
    maxFrames: number,
    maxBytes: number,
  ) {
    this.queue = new OutboundQueue(maxFrames, maxBytes);
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
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
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
