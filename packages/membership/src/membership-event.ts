import { SafeEventTarget } from '@tala-net/types';
import type { MemberUpdate, MemberUpdateState } from './swim-messages.js';
import type { MembershipChange, MembershipEventType } from './swim-types.js';

/** A membership change, dispatched under its {@link MembershipEventType} as the event type. */
export class MembershipEvent extends Event {
  /** The member's new state (a copy: changing it changes nothing in the node). */
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
    const member = { ...change.member, address: change.member.address.slice() };
    return new MembershipEvent(change.type, member, change.previous);
  }
}

/**
 * An exception thrown inside the SWIM engine while handling a message or a timer: a bug, not
 * bad input (malformed messages are counted, never thrown). The node keeps running.
 */
export class SwimErrorEvent extends Event {
  /** What the engine threw. */
  readonly error: unknown;

  constructor(error: unknown) {
    super('error');
    this.error = error;
  }
}

/**
 * Events of a membership node: one event type per {@link MembershipEventType}, and `error`
 * for an exception inside the engine.
 */
export interface MembershipEventMap {
  error: SwimErrorEvent;
  joined: MembershipEvent;
  suspected: MembershipEvent;
  alive: MembershipEvent;
  dead: MembershipEvent;
  left: MembershipEvent;
  updated: MembershipEvent;
}

/**
 * A typed `EventTarget` of {@link MembershipEventMap} whose listeners cannot break the protocol
 * loop: an exception thrown by a listener is caught and counted in `listenerErrors`, and the
 * next listeners still run.
 */
export class MembershipEventTarget extends SafeEventTarget<MembershipEventMap> {}
