/** One registered `message` listener. */
interface Registration {
  readonly listener: EventListenerOrEventListenerObject;
  readonly capture: boolean;
  readonly once: boolean;
  /** Set when it is removed: a dispatch already running skips it. */
  removed: boolean;
}

/**
 * @internal The `message` listeners of an in-process transport, called directly rather than
 * through `EventTarget.dispatchEvent` (the cost of a message event was mostly that dispatch).
 * The rules are the DOM's as the transport's other events follow them: listeners run in the order
 * they were added, a listener is identified by the function (or object) and its `capture` flag
 * and added once, one added during a dispatch waits for the next event, one removed during a
 * dispatch is not called any more, `once` removes it before its call, and an aborted `signal`
 * removes it. The event is not dispatched, so its `target` stays `null`.
 */
export class MessageListeners {
  /** Replaced, never changed in place: a running dispatch keeps the list it started with. */
  #registrations: readonly Registration[] = [];

  /** Number of listeners. */
  get size(): number {
    return this.#registrations.length;
  }

  /** Adds a listener unless it is there already; `false` when it was. */
  add(
    listener: EventListenerOrEventListenerObject,
    options: boolean | AddEventListenerOptions | undefined,
    remove: () => void,
  ): boolean {
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted || this.#find(listener, capture) >= 0) return false;
    const once = typeof options === 'object' && options.once === true;
    this.#registrations = [...this.#registrations, { listener, capture, once, removed: false }];
    signal?.addEventListener('abort', remove, { once: true });
    return true;
  }

  /** Removes a listener, if it is there. */
  remove(
    listener: EventListenerOrEventListenerObject,
    options: boolean | EventListenerOptions | undefined,
  ): void {
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const index = this.#find(listener, capture);
    if (index < 0) return;
    const registrations = [...this.#registrations];
    registrations[index]!.removed = true;
    registrations.splice(index, 1);
    this.#registrations = registrations;
  }

  /**
   * Calls every listener with `event` (`this` being `target`); what one throws goes to `failed`
   * and the others still run.
   */
  dispatch(target: object, event: Event, failed: (error: unknown) => void): void {
    const registrations = this.#registrations;
    for (let i = 0; i < registrations.length; i++) {
      const registration = registrations[i]!;
      if (registration.removed) continue;
      const listener = registration.listener;
      if (registration.once) this.remove(listener, registration.capture);
      try {
        if (typeof listener === 'function') listener.call(target, event);
        else listener.handleEvent(event);
      } catch (error) {
        failed(error);
      }
    }
  }

  #find(listener: EventListenerOrEventListenerObject, capture: boolean): number {
    const registrations = this.#registrations;
    for (let i = 0; i < registrations.length; i++) {
      const registration = registrations[i]!;
      if (registration.listener === listener && registration.capture === capture) return i;
    }
    return -1;
  }
}
