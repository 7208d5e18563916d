import type { Socket } from 'node:net';
import { decode, encode, FrameDecoder, HEADER_BYTES, readU32 } from '@tala-net/codec';
import type { DisconnectReason, Message, NodeId, TimerHandle } from '@tala-net/types';
import { MAX_HANDSHAKE_PAYLOAD_BYTES } from './handshake-messages.js';
import { OWN_BUFFER_FROM_BYTES } from './outbound-queue.js';
import type { Counters } from './tcp-stats.js';
import type { ResolvedTcpOptions } from './tcp-transport-options.js';
import { unzeroedBytes } from './unzeroed-memory.js';

/** Who opened a connection: this node (`outbound`) or the peer (`inbound`). */
export type ConnectionDirection = 'inbound' | 'outbound';

/**
 * Chunks smaller than this that are written together are first copied into one buffer; larger
 * ones are written as they are.
 */
const COALESCE_BELOW_BYTES = 16 * 1024;

/** What a connection holds of a handshake frame before its first byte arrived. */
const NO_BYTES = new Uint8Array(0);

/** Where a socket holds the {@link Connection} that owns it, for the shared event handlers. */
const OWNER = Symbol('tala-net:connection');

/** A socket with the {@link Connection} that owns it. */
type SocketOf = Socket & { [OWNER]: Connection };

function onSocketData(this: Socket, chunk: Buffer): void {
  (this as SocketOf)[OWNER].receive(chunk);
}

function onSocketError(this: Socket, error: Error): void {
  (this as SocketOf)[OWNER].close('error', error.message);
}

function onSocketClose(this: Socket): void {
  (this as SocketOf)[OWNER].close('remote-closed', 'the connection was closed');
}

function onSocketDrain(this: Socket): void {
  const connection = (this as SocketOf)[OWNER];
  connection.host.onWritable(connection);
}

/** What a {@link Connection} reports to its transport. */
export interface ConnectionHost {
  /** A handshake frame (hello, welcome or refusal) arrived while the handshake runs. */
  onHandshake(connection: Connection, message: Message): void;
  /** A message arrived on an open connection (`bytes`: its frame's size). */
  onMessage(connection: Connection, message: Message): void;
  /** Everything written so far reached the kernel, or the socket drained: more may be written. */
  onWritable(connection: Connection): void;
  /**
   * A chunk of at least `OWN_BUFFER_FROM_BYTES` (a large frame's own buffer, or a long run of
   * small frames) was written, or its write failed: nothing reads it any more.
   */
  onLargeChunkWritten(chunk: Uint8Array): void;
  /** The connection closed (once). */
  onClosed(connection: Connection, reason: DisconnectReason, detail: string): void;
  /** A frame of an unknown kind was skipped. */
  onSkipped(connection: Connection): void;
  /**
   * The bytes this connection holds of incomplete frames changed by `delta`; `false` when the
   * transport's budget for them is exhausted (the connection then closes).
   */
  onPartialBytes(delta: number): boolean;
}

/**
 * One TCP (or TLS) connection: frames in through a `FrameDecoder`, frames out in coalesced
 * writes that respect socket backpressure, the handshake deadline, heartbeats and the idle
 * timeout. The transport decides what the handshake means; the connection only enforces that
 * nothing but handshake frames arrive before it completes.
 */
export class Connection {
  /** `handshake` until the transport calls {@link Connection.open}. */
  state: 'handshake' | 'open' | 'closed' = 'handshake';
  /** The peer's id, once its handshake named it. */
  peerId: NodeId | undefined;
  /** The peer's boot id, once its handshake named it. */
  peerBootId: bigint | undefined;
  /** Frames handed to the socket whose write has not completed. */
  writingFrames = 0;
  /** Their bytes. */
  writingBytes = 0;
  /** The peer's counters, once the connection is open. */
  peerCounters: Counters | undefined;
  /** The transport's counters. */
  totals: Counters | undefined;
  /** Created with the first bytes after the handshake: an idle connection holds none. */
  #decoder: FrameDecoder | undefined;
  /**
   * Bytes of a handshake frame that arrived in pieces: `#handshakeBuffer[0, #handshakeFill)`
   * (the stream before the main decoder). The buffer doubles as it fills, so a frame trickled in
   * byte by byte costs copies in proportion to its size, not to its square.
   */
  #handshakeBuffer: Uint8Array = NO_BYTES;
  #handshakeFill = 0;
  /** Bytes of incomplete frames the decoder held after the last chunk. */
  #partialBytes = 0;
  /** Frames and bytes of each write in flight, oldest first, from `#inFlightHead` (pairs). */
  #inFlight: number[] | undefined;
  #inFlightHead = 0;
  #onWritten: (() => void) | undefined;
  /**
   * The handshake deadline, or the destruction deadline after {@link Connection.closeAfterWrites}.
   * An open connection has none: its transport's sweep visits it ({@link Connection.sweep}).
   */
  #timer: TimerHandle | undefined;
  #heardAt: number;
  #wroteAt: number;

  constructor(
    readonly socket: Socket,
    readonly direction: ConnectionDirection,
    /** The address dialled, for an outbound connection. */
    readonly dialAddress: string | undefined,
    private readonly options: ResolvedTcpOptions,
    readonly host: ConnectionHost,
  ) {
    this.#heardAt = this.#wroteAt = options.clock.now();
    socket.setNoDelay(true);
    if (options.keepAliveMs > 0) socket.setKeepAlive(true, options.keepAliveMs);
    // Shared handlers that find the connection on the socket: no closures per connection.
    (socket as SocketOf)[OWNER] = this;
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    socket.on('drain', onSocketDrain);
    this.#armTimer(options.clock.now() + options.handshakeTimeoutMs);
  }

  /** `true` once the connection closed. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** `true` while the socket can take more bytes without exceeding its high-water mark. */
  get writable(): boolean {
    return this.state !== 'closed' && !this.socket.writableNeedDrain;
  }

  /**
   * Marks the handshake complete: from now on, messages are handed to the transport, and the
   * transport's sweep takes over the deadlines ({@link Connection.sweep}).
   */
  open(peerId: NodeId, bootId: bigint): void {
    this.peerId = peerId;
    this.peerBootId = bootId;
    this.state = 'open';
    this.#clearTimer();
  }

  /**
   * The periodic check of an open connection, run by its transport every
   * {@link heartbeatInterval} for all its connections: closes it when nothing was heard for
   * `idleTimeoutMs` (a half-open connection), and writes a heartbeat when nothing was written
   * for a heartbeat interval.
   */
  sweep(now: number): void {
    if (this.state !== 'open') return;
    const { idleTimeoutMs } = this.options;
    if (now - this.#heardAt >= idleTimeoutMs) {
      this.close('timeout', `nothing heard for ${idleTimeoutMs} ms`);
      return;
    }
    if (now - this.#wroteAt >= heartbeatInterval(this.options)) {
      this.writeControl({ type: 'Heartbeat' });
    }
  }

  /** Writes one control frame (handshake or heartbeat) now. */
  writeControl(message: Message): void {
    this.writeChunks([encode(message, { registry: this.options.registry })], [1]);
  }

  /**
   * Writes `chunks` (each holding `frames[i]` whole frames) in as few socket writes as
   * possible: one chunk is written as it is; several are written inside one cork so they leave
   * in one `writev`, consecutive small ones first copied into one buffer. Returns `false` when
   * the socket asks the writer to wait for `drain`.
   */
  writeChunks(chunks: readonly Uint8Array[], frames: readonly number[]): boolean {
    if (this.state === 'closed' || chunks.length === 0) return this.writable;
    this.#wroteAt = this.options.clock.now();
    if (chunks.length === 1) {
      this.#write(chunks[0]!, frames[0]!);
      return this.writable;
    }
    const socket = this.socket;
    socket.cork();
    let start = 0;
    while (start < chunks.length) {
      let end = start;
      let bytes = 0;
      let count = 0;
      while (end < chunks.length && chunks[end]!.length < COALESCE_BELOW_BYTES) {
        bytes += chunks[end]!.length;
        count += frames[end]!;
        end++;
      }
      if (end - start > 1) {
        this.#write(concat(chunks, start, end, bytes), count);
        start = end;
      } else {
        this.#write(chunks[start]!, frames[start]!);
        start++;
      }
    }
    socket.uncork();
    return this.writable;
  }

  /** Closes the socket at once and reports `reason` (only the first close counts). */
  close(reason: DisconnectReason, detail: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#updatePartialBytes(0);
    this.#clearTimer();
    this.socket.destroy();
    this.host.onClosed(this, reason, detail);
  }

  /** Ends the socket after what was written (a refusal) is sent, then reports `reason`. */
  closeAfterWrites(reason: DisconnectReason, detail: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#clearTimer();
    this.socket.end();
    // A peer that never closes its side cannot hold the socket: destroy it after the deadline.
    this.#timer = this.options.clock.setTimer(
      this.options.clock.now() + this.options.handshakeTimeoutMs,
      () => this.socket.destroy(),
    );
    this.host.onClosed(this, reason, detail);
  }

  /** Reports the change of the bytes held in incomplete frames; `false` when over budget. */
  #updatePartialBytes(now: number): boolean {
    const delta = now - this.#partialBytes;
    this.#partialBytes = now;
    return delta === 0 || this.host.onPartialBytes(delta);
  }

  #write(buffer: Uint8Array, frames: number): void {
    this.writingFrames += frames;
    this.writingBytes += buffer.length;
    if (this.peerCounters !== undefined) {
      this.peerCounters.framesOut += frames;
      this.peerCounters.bytesOut += buffer.length;
    }
    if (this.totals !== undefined) {
      this.totals.framesOut += frames;
      this.totals.bytesOut += buffer.length;
    }
    if (this.#inFlight === undefined) this.#inFlight = [frames, buffer.length];
    else this.#inFlight.push(frames, buffer.length);
    // One callback for every write: the stream completes writes in order, and calls the same
    // callback of writes completed in one tick from one scheduled task. A large chunk's has its
    // own, made elsewhere: a closure made here would keep this call's `buffer` alive in every
    // closure made here, `#onWritten` included.
    this.#onWritten ??= this.#newWrittenCallback();
    this.socket.write(
      buffer,
      buffer.length < OWN_BUFFER_FROM_BYTES ? this.#onWritten : this.#largeWrittenCallback(buffer),
    );
  }

  #newWrittenCallback(): () => void {
    return () => this.#written();
  }

  #largeWrittenCallback(chunk: Uint8Array): () => void {
    return () => {
      this.#written();
      this.host.onLargeChunkWritten(chunk);
    };
  }

  /** A write handed to the socket completed (or failed): the oldest in flight. */
  #written(): void {
    const inFlight = this.#inFlight!;
    const at = this.#inFlightHead;
    this.writingFrames -= inFlight[at]!;
    this.writingBytes -= inFlight[at + 1]!;
    if (at + 2 === inFlight.length) {
      this.#inFlight = undefined;
      this.#inFlightHead = 0;
    } else {
      this.#inFlightHead = at + 2;
    }
    if (this.writingFrames === 0) this.host.onWritable(this);
  }

  /** Handles a chunk read from the socket: decodes its frames and hands them on. */
  receive(received: Buffer): void {
    if (this.state === 'closed') return;
    this.#heardAt = this.options.clock.now();
    if (this.peerCounters !== undefined) this.peerCounters.bytesIn += received.length;
    if (this.totals !== undefined) this.totals.bytesIn += received.length;
    const chunk = this.state === 'handshake' ? this.#takeHandshake(received) : received;
    if (chunk === undefined || chunk.length === 0) return;
    const decoder = this.#decoder ?? this.#newDecoder();
    let messages: Message[];
    try {
      messages = decoder.push(chunk);
    } catch (error) {
      this.close('protocol', (error as Error).message);
      return;
    }
    if (!this.#updatePartialBytes(decoder.bufferedBytes)) {
      this.close('protocol', 'the budget for incomplete frames of all connections is exhausted');
      return;
    }
    for (const message of messages) {
      if (this.isClosed) return;
      if (this.peerCounters !== undefined) this.peerCounters.framesIn++;
      if (this.totals !== undefined) this.totals.framesIn++;
      if (message.type !== 'Heartbeat') this.#onOpenMessage(message);
    }
  }

  #newDecoder(): FrameDecoder {
    const host = this.host;
    this.#decoder = new FrameDecoder({
      registry: this.options.registry,
      maxFrameBytes: this.options.maxFrameBytes,
      onUnknownFrame: () => host.onSkipped(this),
      allocate: unzeroedBytes,
    });
    return this.#decoder;
  }

  /**
   * Collects the handshake frame, bounded by the largest handshake (a header that declares more,
   * or a frame of any other kind, closes the connection), hands it to the transport, and returns
   * the bytes that follow it once the connection is open.
   */
  #takeHandshake(chunk: Uint8Array): Uint8Array | undefined {
    const bytes = this.#handshakeFill === 0 ? chunk : this.#appendHandshake(chunk);
    if (bytes.length < HEADER_BYTES) {
      if (bytes === chunk) this.#appendHandshake(chunk);
      return undefined;
    }
    const length = readU32(bytes, 1);
    if (length > MAX_HANDSHAKE_PAYLOAD_BYTES) {
      this.close('protocol', `a frame of ${length} bytes before the handshake completed`);
      return undefined;
    }
    if (bytes.length < HEADER_BYTES + length) {
      if (bytes === chunk) this.#appendHandshake(chunk);
      return undefined;
    }
    this.#handshakeBuffer = NO_BYTES;
    this.#handshakeFill = 0;
    let message: Message;
    try {
      message = decode(bytes.subarray(0, HEADER_BYTES + length), {
        registry: this.options.registry,
        copy: true,
      });
    } catch (error) {
      this.close('protocol', `before the handshake completed: ${(error as Error).message}`);
      return undefined;
    }
    if (this.totals !== undefined) this.totals.framesIn++;
    this.host.onHandshake(this, message);
    return this.state === 'open' ? bytes.subarray(HEADER_BYTES + length) : undefined;
  }

  /** Adds `chunk` to the handshake bytes kept; returns all of them. */
  #appendHandshake(chunk: Uint8Array): Uint8Array {
    const fill = this.#handshakeFill + chunk.length;
    if (fill > this.#handshakeBuffer.length) {
      const grown = new Uint8Array(Math.max(fill, 2 * this.#handshakeBuffer.length, HEADER_BYTES));
      grown.set(this.#handshakeBuffer.subarray(0, this.#handshakeFill));
      this.#handshakeBuffer = grown;
    }
    this.#handshakeBuffer.set(chunk, this.#handshakeFill);
    this.#handshakeFill = fill;
    return this.#handshakeBuffer.subarray(0, fill);
  }

  #onOpenMessage(message: Message): void {
    if (
      message.type === 'HandshakeHello' ||
      message.type === 'HandshakeWelcome' ||
      message.type === 'HandshakeRefusal'
    ) {
      this.close('protocol', `a ${message.type} after the handshake`);
      return;
    }
    this.host.onMessage(this, message);
  }

  #armTimer(at: number): void {
    this.#clearTimer();
    this.#timer = this.options.clock.setTimer(at, () => this.#onTimer());
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** The handshake deadline passed. */
  #onTimer(): void {
    this.#timer = undefined;
    if (this.state !== 'handshake') return;
    this.close('timeout', `no handshake within ${this.options.handshakeTimeoutMs} ms`);
  }
}

/**
 * How often a transport sweeps its open connections: a third of `idleTimeoutMs`, so that a
 * connection hears a heartbeat (or anything else) well before its peer's idle timeout.
 */
export function heartbeatInterval(options: ResolvedTcpOptions): number {
  return Math.floor(options.idleTimeoutMs / 3);
}

function concat(
  chunks: readonly Uint8Array[],
  start: number,
  end: number,
  bytes: number,
): Uint8Array {
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = start; i < end; i++) {
    out.set(chunks[i]!, at);
    at += chunks[i]!.length;
  }
  return out;
}
