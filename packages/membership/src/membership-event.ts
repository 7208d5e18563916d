import type { MemberUpdate, MemberUpdateState, TypedEventTarget } from '@tala-net/types';
import type { MembershipChange, MembershipEventType } from './swim-types.js';

/** A membership change, dispatched under its {@link MembershipEventType} as the event type. */
export class MembershipEvent extends Event {
  /** The member's new state. */
  readonly member: MemberUpdate;
  /** Its state before the change; `undefined` for a new member. */
  readonly previous: MemberUpdateState | undefined;

  constructor(type: MembershipEventType, member: MemberUpdate, previous?: MemberUpdateState) {
    super(type);
    this.member = member;
    this.previous = previous;
  }

  /** The event for an engine's {@link MembershipChange}. */
  static from(change: MembershipChange): MembershipEvent {
    return new MembershipEvent(change.type, change.member, change.previous);
  }
}

/** Events of a membership node: one event type per {@link MembershipEventType}. */
export interface MembershipEventMap {
  joined: MembershipEvent;
  suspected: MembershipEvent;
  alive: MembershipEvent;
  dead: MembershipEvent;
  left: MembershipEvent;
  updated: MembershipEvent;
}

type Listener = EventListenerOrEventListenerObject;
type TypedListener<E extends Event> = ((event: E) => void) | { handleEvent(event: E): void };
const TypedTarget = EventTarget as new () => TypedEventTarget<MembershipEventMap>;

/**
 * A typed `EventTarget` of {@link MembershipEventMap} whose listeners cannot break the protocol
 * loop: an exception thrown by a listener is caught and counted in
 * {@link MembershipEventTarget.listenerErrors}, and the next listeners still run.
 */
export class MembershipEventTarget extends TypedTarget {
  /** Exceptions thrown by listeners so far. */
  listenerErrors = 0;
  readonly #wrappers = new Map<string, Map<Listener, Listener>>();

  override addEventListener<K extends keyof MembershipEventMap>(
    type: K,
    listener: TypedListener<MembershipEventMap[K]> | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    anyListener: Listener | TypedListener<MembershipEvent> | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    const listener = anyListener as Listener | null;
    if (listener === null) return;
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const once = typeof options === 'object' && options.once === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted) return;
    const key = `${capture ? 'c' : 'b'}:${type}`;
    let wrappers = this.#wrappers.get(key);
    if (wrappers === undefined) {
      wrappers = new Map();
      this.#wrappers.set(key, wrappers);
    }
    if (wrappers.has(listener)) return;
    const wrapper = (event: Event): void => {
      if (once) this.removeEventListener(type, listener, { capture });
      try {
        if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      } catch {
        this.listenerErrors++;
      }
    };
    wrappers.set(listener, wrapper);
    super.addEventListener(type, wrapper, { capture });
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener, { capture }), {
      once: true,
    });
  }

  override removeEventListener<K extends keyof MembershipEventMap>(
    type: K,
    listener: TypedListener<MembershipEventMap[K]> | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    anyListener: Listener | TypedListener<MembershipEvent> | null,
    options?: boolean | EventListenerOptions,
  ): void {
    const listener = anyListener as Listener | null;
    if (listener === null) return;
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const wrappers = this.#wrappers.get(`${capture ? 'c' : 'b'}:${type}`);
    const wrapper = wrappers?.get(listener);
    if (wrapper === undefined) return;
    wrappers!.delete(listener);
    super.removeEventListener(type, wrapper, { capture });
  }
}
