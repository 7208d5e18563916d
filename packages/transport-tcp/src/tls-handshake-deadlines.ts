import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '@tala-net/types';

/** A socket waiting for its TLS handshake, and the timer that closes it. */
interface Pending {
  readonly socket: Socket;
  readonly timer: TimerHandle;
}

/** The TCP connection a socket is, as both its raw socket and the TLS socket over it see it. */
function keyOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined
    ? undefined
    : `${remoteAddress}|${remotePort}`;
}

/**
 * Closes an inbound connection whose TLS handshake has not completed within the deadline.
 * Node's own TLS `handshakeTimeout` starts with the client's first handshake bytes: a client
 * that connects and says nothing would hold its socket, and a place among the server's
 * connections, until the operating system gives up on it. The transport only sees a TLS socket
 * once its handshake completed, so the raw socket is found again by its remote address and port.
 */
export class TlsHandshakeDeadlines {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** Called for each connection closed because its deadline passed. */
    private readonly onExpired: () => void,
  ) {}

  /** A TCP connection arrived: its TLS handshake must complete within the deadline. */
  started(socket: Socket): void {
    const key = keyOf(socket);
    if (key === undefined) {
      socket.destroy();
      return;
    }
    const timer = this.clock.setTimer(this.clock.now() + this.timeoutMs, () => {
      this.#settle(key, socket);
      socket.destroy();
      this.onExpired();
    });
    this.#pending.set(key, { socket, timer });
    socket.once('close', () => this.#settle(key, socket));
  }

  /** The TLS handshake of `secure` completed (a TLS socket over a connection {@link started}). */
  completed(secure: Socket): void {
    const key = keyOf(secure);
    const pending = key === undefined ? undefined : this.#pending.get(key);
    if (pending !== undefined) this.#settle(key!, pending.socket);
  }

  /** Stops every deadline (the server closes). */
  clear(): void {
    for (const { timer } of this.#pending.values()) this.clock.clearTimer(timer);
    this.#pending.clear();
  }

  #settle(key: string, socket: Socket): void {
    const pending = this.#pending.get(key);
    if (pending === undefined || pending.socket !== socket) return;
    this.clock.clearTimer(pending.timer);
    this.#pending.delete(key);
  }
}
