import type { TransportEventMap, TransportMessageEvent } from './transport.js';
import type { TypedEventTarget } from './typed-event-target.js';

type Listener = EventListenerOrEventListenerObject;
type TypedListener<E extends Event> = ((event: E) => void) | { handleEvent(event: E): void };

const TypedTarget = EventTarget as new () => TypedEventTarget<TransportEventMap>;

/**
 * The event side of a transport: an `EventTarget` that knows whether anybody listens to
 * `message` events (including `once` and `signal` listeners), so a transport can dispatch
 * messages while someone listens and queue them for `recv()` otherwise.
 */
export class TransportEventTarget extends TypedTarget {
  readonly #wrappers: [bubble: Map<Listener, Listener>, capture: Map<Listener, Listener>] = [
    new Map(),
    new Map(),
  ];

  /** `true` while at least one `message` listener is attached. */
  get hasMessageListeners(): boolean {
    return this.#wrappers[0].size + this.#wrappers[1].size > 0;
  }

  override addEventListener<K extends keyof TransportEventMap>(
    type: K,
    listener: TypedListener<TransportEventMap[K]> | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    anyListener: Listener | TypedListener<TransportMessageEvent> | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    const listener = anyListener as Listener | null;
    if (type !== 'message' || listener === null) {
      super.addEventListener(type, listener, options);
      return;
    }
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const once = typeof options === 'object' && options.once === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    const wrappers = this.#wrappers[capture ? 1 : 0];
    if (wrappers.has(listener) || signal?.aborted) return;
    const wrapper = (event: Event): void => {
      if (once) this.removeEventListener(type, listener, { capture });
      if (typeof listener === 'function') listener.call(this, event);
      else listener.handleEvent(event);
    };
    wrappers.set(listener, wrapper);
    super.addEventListener(type, wrapper, { capture });
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener, { capture }), {
      once: true,
    });
  }

  override removeEventListener<K extends keyof TransportEventMap>(
    type: K,
    listener: TypedListener<TransportEventMap[K]> | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    anyListener: Listener | TypedListener<TransportMessageEvent> | null,
    options?: boolean | EventListenerOptions,
  ): void {
    const listener = anyListener as Listener | null;
    if (type !== 'message' || listener === null) {
      super.removeEventListener(type, listener, options);
      return;
    }
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const wrappers = this.#wrappers[capture ? 1 : 0];
    const wrapper = wrappers.get(listener);
    if (wrapper === undefined) return;
    wrappers.delete(listener);
    super.removeEventListener(type, wrapper, { capture });
  }
}
