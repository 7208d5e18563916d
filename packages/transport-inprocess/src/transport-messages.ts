import type { Message, PeerId, Transport, TransportMessageEvent } from '@tala-net/types';
import { RingQueue } from './ring-queue.js';

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
 * layer over its `message` events (the primary way to receive). While the iterator is open, its
 * listener is attached, so messages are dispatched to it rather than queued for `recv()`; they
 * buffer until consumed. Leaving the loop (`break`) or aborting `signal` detaches it.
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
    options.signal?.removeEventListener('abort', finish);
    wake?.();
  };
  if (options.signal?.aborted) done = true;
  else {
    transport.addEventListener('message', listener);
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
