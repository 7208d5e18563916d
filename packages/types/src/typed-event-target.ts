/**
 * An `EventTarget` whose event names and event classes are known to the type checker.
 * tala-net uses it for every event stream (transports, membership), so listeners get typed
 * events and plain `addEventListener` keeps working.
 */
export interface TypedEventTarget<EventMap extends { [K in keyof EventMap]: Event }>
  extends EventTarget {
  addEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: ((event: EventMap[K]) => void) | { handleEvent(event: EventMap[K]): void } | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: ((event: EventMap[K]) => void) | { handleEvent(event: EventMap[K]): void } | null,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
}
