import * as net from 'node:net';
import { encode, FrameDecoder } from '@tala-net/codec';
import {
  type Clock,
  type Message,
  type NodeId,
  PartitionId,
  type TimerHandle,
} from '@tala-net/types';
import { afterEach } from 'vitest';
import {
  type HandshakeHello,
  registerHandshakeMessages,
  TcpTransport,
  type TcpTransportOptions,
} from '../src/index.js';

registerHandshakeMessages();

/** Longest a test waits for an event before failing (generous: the machine may be busy). */
export const EVENT_DEADLINE_MS = 30_000;

/** Resolves with the first `type` event of `target` that passes `accept`; rejects after the deadline. */
export function nextEvent<E extends Event>(
  target: EventTarget,
  type: string,
  accept: (event: E) => boolean = () => true,
  deadlineMs = EVENT_DEADLINE_MS,
): Promise<E> {
  return new Promise<E>((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`no ${type} event within ${deadlineMs} ms`));
    }, deadlineMs);
    const listener = (event: Event): void => {
      if (!accept(event as E)) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event as E);
    };
    target.addEventListener(type, listener);
  });
}

/** `promise`, or a rejection naming `what` when it has not settled within the deadline. */
export function within<T>(
  promise: Promise<T>,
  what: string,
  deadlineMs = EVENT_DEADLINE_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not settled within ${deadlineMs} ms`)),
      deadlineMs,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves once `target` has received `count` messages; returns them with their senders. */
export function collect(
  target: TcpTransport,
  count: number,
  deadlineMs = EVENT_DEADLINE_MS,
): Promise<[NodeId, Message][]> {
  const got: [NodeId, Message][] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener('message', listener);
      reject(new Error(`received ${got.length} of ${count} messages within ${deadlineMs} ms`));
    }, deadlineMs);
    const listener = (event: Event): void => {
      const { from, message } = event as unknown as { from: NodeId; message: Message };
      got.push([from, message]);
      if (got.length < count) return;
      clearTimeout(timer);
      target.removeEventListener('message', listener);
      resolve(got);
    };
    target.addEventListener('message', listener);
  });
}

/** Transports created by {@link transport}, closed after each test. */
const open: TcpTransport[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(open.splice(0).map((t) => t.close({ timeoutMs: 100 })));
});

/** A transport closed after the test. */
export function transport(options: TcpTransportOptions): TcpTransport {
  const created = new TcpTransport(options);
  open.push(created);
  return created;
}

/** A listening transport closed after the test. */
export async function listening(options: TcpTransportOptions): Promise<TcpTransport> {
  const created = transport(options);
  await created.listen('127.0.0.1:0');
  return created;
}

/** Ping `seq` from `from`. */
/**
 * Sends 32 SegmentSync frames of about 1.2 MiB (each smaller than the one before, so that each
 * fits in the memory of any earlier one) from `a` to `b`: the first 24 each flushed on its own,
 * faster than `b` reads (later writes wait in the socket: no frame may be encoded into memory
 * still being written), the rest each once the previous one was written (encoded into the
 * memory that one was written from). Returns the partitions of the frames that arrived out of
 * order or with other bytes than were sent.
 */
export async function largeFramesDamaged(a: TcpTransport, b: TcpTransport): Promise<number[]> {
  const count = 32;
  const segmentData = (i: number): Uint8Array => new Uint8Array(1_200_000 - i * 1_000).fill(i);
  const send = (i: number): void =>
    a.send(b.localId, {
      type: 'SegmentSync',
      partition: PartitionId(i),
      segmentData: segmentData(i),
    });
  const got = collect(b, count);
  for (let i = 0; i < 24; i++) {
    send(i);
    // Every other frame, the event loop turns: writes complete (or not) between sends.
    await (i % 2 === 0 ? Promise.resolve() : new Promise((resolve) => setImmediate(resolve)));
  }
  for (let i = 24; i < count; i++) {
    await a.drained(b.localId);
    send(i);
  }
  return (await got).flatMap(([, message], i) =>
    message.type === 'SegmentSync' &&
    message.partition === i &&
    Buffer.from(message.segmentData).equals(segmentData(i))
      ? []
      : [i],
  );
}

export const ping = (from: NodeId, seq: number): Message => ({
  type: 'Ping',
  from,
  seq: BigInt(seq),
});

/** The `seq` of a Ping. */
export const seqOf = (message: Message): number => Number((message as { seq: bigint }).seq);

/** A hello from node `from` (version 1, boot id 1, the default label, no address or capabilities). */
export function hello(from: NodeId, overrides: Partial<HandshakeHello> = {}): HandshakeHello {
  return {
    type: 'HandshakeHello',
    versionMin: 1,
    versionMax: 1,
    from,
    bootId: 1n,
    clusterLabel: new TextEncoder().encode('tala-net'),
    listenAddress: new Uint8Array(0),
    capabilities: new Uint8Array(0),
    ...overrides,
  };
}

/**
 * A raw TCP client that speaks the handshake by hand, then does whatever the test wants:
 * writes malformed frames, stops reading, goes silent.
 */
export class RawPeer {
  readonly decoder = new FrameDecoder();
  readonly received: Message[] = [];
  closed = false;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    sockets.push(socket);
    socket.on('data', (chunk) => {
      try {
        this.received.push(...this.decoder.push(chunk));
      } catch {
        socket.destroy();
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  /** Connects to `address` without sending anything. */
  static async connect(address: string): Promise<RawPeer> {
    const [host, port] = address.split(':');
    const socket = net.connect({ host: host!, port: Number(port) });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawPeer(socket);
  }

  /** Connects and completes a handshake as node `id`; resolves once welcomed. */
  static async handshake(address: string, id: NodeId, label = 'tala-net'): Promise<RawPeer> {
    const peer = await RawPeer.connect(address);
    peer.write(hello(id, { clusterLabel: new TextEncoder().encode(label) }));
    await peer.until(() => peer.received.some((m) => m.type === 'HandshakeWelcome') || peer.closed);
    return peer;
  }

  write(message: Message): void {
    this.socket.write(encode(message));
  }

  /** Resolves once `condition()` holds, checked after each chunk or close; rejects after the deadline. */
  until(condition: () => boolean, deadlineMs = EVENT_DEADLINE_MS): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('condition not met in time')), deadlineMs);
      const check = (): void => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
        } else this.#waiters.push(check);
      };
      this.#waiters.push(check);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/**
 * A clock that moves only when the test advances it: timeouts, heartbeats and backoff become
 * deterministic while the sockets stay real.
 */
export class ManualClock implements Clock {
  #now = 0;
  #timers = new Set<{ at: number; callback: () => void }>();

  now(): number {
    return this.#now;
  }

  /** Timers set and neither run nor cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  setTimer(at: number, callback: () => void): TimerHandle {
    const timer = { at, callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as { at: number; callback: () => void });
  }

  /** Moves time forward by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: { at: number; callback: () => void } | undefined;
      for (const timer of this.#timers)
        if (timer.at <= end && (next === undefined || timer.at < next.at)) next = timer;
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = end;
  }
}

export { makePki, type NodeCertificate } from '../../../testing/pki.js';
