import { SafeEventTarget } from './safe-event-target.js';
import type { TransportEventMap } from './transport.js';

/**
 * The event side of a transport: a {@link SafeEventTarget} of `message` events (and of whatever
 * else `EventMap` adds, e.g. `close`) that knows
 * whether anybody listens, so a transport can dispatch messages while someone listens and queue
 * them for `recv()` otherwise. A throwing listener is counted, never propagated into the
 * transport.
 */
export class TransportEventTarget<
  EventMap extends TransportEventMap & { [K in keyof EventMap]: Event } = TransportEventMap,
> extends SafeEventTarget<EventMap> {
  /** `true` while at least one `message` listener is attached. */
  get hasMessageListeners(): boolean {
    return this.listenerCount('message') > 0;
  }
}
