import { ErrorReportEvent } from './error-report-event.js';
import type { TypedEventTarget } from './typed-event-target.js';

type Listener = EventListenerOrEventListenerObject;
/** How a listener is called: its phase's wrappers (to see whether it is still attached), it, its wrapper. */
type DirectCall = readonly [Map<Listener, Listener>, Listener, (event: Event) => void];
/** A listener of events of class `E`: a function or an object with `handleEvent`. */
export type TypedListener<E extends Event> =
  | ((event: E) => void)
  | {
      /** Called with each event, with the listener object as `this`. */
      handleEvent(event: E): void;
    };

/**
 * A typed `EventTarget` for event streams that run inside a protocol or transport loop:
 *
 * - a listener that throws cannot break the loop or crash the process: the exception is caught,
 *   counted in {@link SafeEventTarget.listenerErrors}, reported as an `error` event
 *   ({@link ErrorReportEvent}, `source` `listener:<type>`) so that it can be seen, and the next
 *   listeners still run (an `error` listener that throws is counted, not reported again);
 * - {@link SafeEventTarget.listenerCount} tells how many listeners an event type has (including
 *   `once` and `signal` listeners, which leave the count when they are removed).
 *
 * @example
 * ```ts
 * class Counter extends SafeEventTarget<{ tick: Event }> {}
 * const counter = new Counter();
 * counter.addEventListener('tick', () => { throw new Error('bad listener'); });
 * counter.dispatchEvent(new Event('tick'));
 * counter.listenerErrors; // 1
 * ```
 */
export class SafeEventTarget<
  EventMap extends { [K in keyof EventMap]: Event },
> extends (EventTarget as new () => TypedEventTarget<never>) {
  /** Exceptions thrown by listeners so far. */
  listenerErrors = 0;
  /** Listener → wrapper, per event type, for the bubble and the capture phase. */
  readonly #bubble = new Map<string, Map<Listener, Listener>>();
  readonly #capture = new Map<string, Map<Listener, Listener>>();
  /** The listeners of each type in dispatch order, for {@link SafeEventTarget.dispatchToListeners}. */
  readonly #directCalls = new Map<string, readonly DirectCall[]>();

  /** Number of listeners attached for `type` (capture and bubble phase together). */
  listenerCount(type: EventTypeOf<EventMap>): number {
    return (this.#bubble.get(type)?.size ?? 0) + (this.#capture.get(type)?.size ?? 0);
  }

  override addEventListener<K extends EventTypeOf<EventMap>>(
    type: K,
    listener: TypedListener<EventOf<EventMap, K>> | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    anyListener: Listener | TypedListener<never> | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    const listener = anyListener as Listener | null;
    if (listener === null) return;
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const once = typeof options === 'object' && options.once === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted) return;
    const phase = capture ? this.#capture : this.#bubble;
    let wrappers = phase.get(type);
    if (wrappers === undefined) {
      wrappers = new Map();
      phase.set(type, wrappers);
    }
    if (wrappers.has(listener)) return;
    const wrapper = (event: Event): void => {
      if (once) this.removeEventListener(type, listener, { capture });
      try {
        if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      } catch (error) {
        this.listenerErrors++;
        if (type !== 'error') this.reportError(error, `listener:${type}`);
      }
    };
    wrappers.set(listener, wrapper);
    this.#directCalls.delete(type);
    super.addEventListener(type, wrapper, { capture });
    this.listenerAdded(type);
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener, { capture }), {
      once: true,
    });
  }

  /**
   * Called after a listener for `type` was added (not for a duplicate). Subclasses override it to
   * react, e.g. to dispatch messages that queued while nobody listened.
   */
  protected listenerAdded(_type: string): void {}

  /**
   * Dispatches an `error` event ({@link ErrorReportEvent}) for a failure that was caught so that
   * a loop could keep running. Subclasses use it for their own caught failures too.
   */
  protected reportError(error: unknown, source: string): void {
    if (this.listenerCount('error') > 0) this.dispatchEvent(new ErrorReportEvent(error, source));
  }

  override removeEventListener<K extends EventTypeOf<EventMap>>(
    type: K,
    listener: TypedListener<EventOf<EventMap, K>> | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    anyListener: Listener | TypedListener<never> | null,
    options?: boolean | EventListenerOptions,
  ): void {
    const listener = anyListener as Listener | null;
    if (listener === null) return;
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const wrappers = (capture ? this.#capture : this.#bubble).get(type);
    const wrapper = wrappers?.get(listener);
    if (wrappers === undefined || wrapper === undefined) return;
    wrappers.delete(listener);
    this.#directCalls.delete(type);
    super.removeEventListener(type, wrapper, { capture });
  }

  /**
   * Calls the listeners of `event.type` as a dispatch of `event` would (capture listeners, then
   * the others, each in the order they were added; one added meanwhile waits for the next event,
   * one removed meanwhile is not called; `once`, and exceptions counted and reported), without
   * `EventTarget`'s dispatch: for events a loop sends at a high rate, such as received messages.
   * The event's `target` and `currentTarget` stay `null`.
   */
  protected dispatchToListeners(event: Event): void {
    const calls = this.#directCallsOf(event.type);
    for (let i = 0; i < calls.length; i++) {
      const [wrappers, listener, wrapper] = calls[i]!;
      if (wrappers.get(listener) === wrapper) wrapper(event);
    }
  }

  #directCallsOf(type: string): readonly DirectCall[] {
    let calls = this.#directCalls.get(type);
    if (calls !== undefined) return calls;
    const list: DirectCall[] = [];
    for (const phase of [this.#capture, this.#bubble]) {
      const wrappers = phase.get(type);
      if (wrappers === undefined) continue;
      for (const [listener, wrapper] of wrappers)
        list.push([wrappers, listener, wrapper as (event: Event) => void]);
    }
    calls = list;
    this.#directCalls.set(type, calls);
    return calls;
  }
}

/** The event types of a {@link SafeEventTarget} of `EventMap`: its own, plus `error`. */
export type EventTypeOf<EventMap> = (keyof EventMap & string) | 'error';

/**
 * The event class of type `K` on a {@link SafeEventTarget} of `EventMap`; `error` events may
 * also be the {@link ErrorReportEvent}s every safe target dispatches.
 */
export type EventOf<EventMap, K> = K extends 'error'
  ? ErrorReportEvent | (K extends keyof EventMap ? EventMap[K] : never)
  : K extends keyof EventMap
    ? EventMap[K]
    : never;
