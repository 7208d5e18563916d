import {
  type Message,
  type PeerId,
  RingQueue,
  type Transport,
  type TransportMessageEvent,
} from '@tala-net/types';

/** Options of {@link transportMessages}. */
export interface TransportMessagesOptions {
  /**
   * Ends the iteration (after the messages already buffered) and detaches the listener.
   * @default undefined
   */
  readonly signal?: AbortSignal;
}

/**
 * Async iteration over the messages a transport receives, as `[from, message]` pairs: a thin
 * layer over its `message` events (the primary way to receive). It starts with the messages
 * already queued for `recv()` (taking them), then attaches its listener, so later messages are
 * dispatched to it rather than queued; they buffer until consumed. Leaving the loop (`break`)
 * or aborting `signal` detaches it. The iteration also ends, after the messages already
 * buffered, when the transport is closed: when it is already closed at the start, or when it
 * dispatches a `close` event (an `InProcessTransport` does on `close()` and on a simulated
 * crash or restart of its node). A network's counters see the iterator as the application:
 * a message counts as delivered when the iterator takes it from the transport, so messages
 * still buffered when the loop is left were delivered to the iterator and are discarded by it.
 *
 * @example
 * ```ts
 * for await (const [from, message] of transportMessages(transport)) {
 *   if (message.type === 'Ping') break;
 * }
 * ```
 */
export function transportMessages(
  transport: Transport,
  options: TransportMessagesOptions = {},
): AsyncIterableIterator<[from: PeerId, message: Message]> {
  const buffer = new RingQueue<[PeerId, Message]>();
  let wake: (() => void) | undefined;
  let done = false;
  const listener = (event: TransportMessageEvent) => {
    buffer.push([event.from, event.message]);
    wake?.();
  };
  const finish = () => {
    if (done) return;
    done = true;
    transport.removeEventListener('message', listener);
    transport.removeEventListener('close', finish);
    options.signal?.removeEventListener('abort', finish);
    wake?.();
  };
  if (options.signal?.aborted || transport.closed) done = true;
  else {
    for (let entry = transport.recv(); entry !== undefined; entry = transport.recv()) {
      buffer.push(entry);
    }
    transport.addEventListener('message', listener);
    transport.addEventListener('close', finish, { once: true });
    options.signal?.addEventListener('abort', finish, { once: true });
  }

  const iterator: AsyncIterableIterator<[PeerId, Message]> = {
    async next() {
      for (;;) {
        const entry = buffer.shift();
        if (entry !== undefined) return { value: entry, done: false };
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
    async return() {
      finish();
      buffer.clear();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
