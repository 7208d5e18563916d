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
 * Events of a membership node: one event type per {@link MembershipEventType}. Failures that
 * the node catches to keep running (an exception inside the engine, a throwing transport or
 * listener) come as the `error` events (`ErrorReportEvent`) of every safe event target.
 */
export interface MembershipEventMap {
  /** A member was learned for the first time (or after it was forgotten). */
  joined: MembershipEvent;
  /** A member is suspected of having failed. */
  suspected: MembershipEvent;
  /** A suspected, dead or departed member is alive again. */
  alive: MembershipEvent;
  /** A member was declared dead. */
  dead: MembershipEvent;
  /** A member left gracefully. */
  left: MembershipEvent;
  /** A member's incarnation or address changed without a change of state. */
  updated: MembershipEvent;
}

/**
 * A typed `EventTarget` of {@link MembershipEventMap} whose listeners cannot break the protocol
 * loop: an exception thrown by a listener is caught and counted in `listenerErrors`, and the
 * next listeners still run.
 */
export class MembershipEventTarget extends SafeEventTarget<MembershipEventMap> {}
