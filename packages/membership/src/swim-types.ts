import type { Message, NodeId } from '@tala-net/types';
import type { MemberUpdate, MemberUpdateState } from './swim-messages.js';

/**
 * A timer the SWIM engine asks its driver to set. When it fires, hand it back unchanged to
 * `SwimEngine.handleTimer`. Timers are never cancelled: a timer that no longer matters is
 * ignored when it fires.
 */
export type SwimTimer =
  /** Start of the next protocol period. */
  | { readonly kind: 'probe' }
  /** The direct probe `seq` went unanswered for the probe timeout: probe indirectly. */
  | { readonly kind: 'probeTimeout'; readonly seq: bigint }
  /** An indirect probe relayed for another member (`seq` is the relay's own) timed out. */
  | { readonly kind: 'relayTimeout'; readonly seq: bigint }
  /** The suspicion of `node` at `incarnation` may have expired. */
  | { readonly kind: 'suspicion'; readonly node: NodeId; readonly incarnation: bigint }
  /** Time for a push-pull with a random member. */
  | { readonly kind: 'pushPull' }
  /** Time for a healing push-pull with a recently-dead member or an unreachable seed. */
  | { readonly kind: 'heal' }
  /** `node` has been dead or gone for the reclaim time (`generation` guards against revivals). */
  | { readonly kind: 'reclaim'; readonly node: NodeId; readonly generation: number };

/** The kinds of membership change. */
export const MembershipEventType = {
  /** A member was learned for the first time (or after it was forgotten). */
  joined: 'joined',
  /** A member is suspected of having failed. */
  suspected: 'suspected',
  /** A suspected, dead or departed member is alive again (refuted or restarted). */
  alive: 'alive',
  /** A member was declared dead. */
  dead: 'dead',
  /** A member left gracefully. */
  left: 'left',
  /** A member's incarnation or address changed without a change of state. */
  updated: 'updated',
} as const;

/** One of the values of {@link MembershipEventType}. */
export type MembershipEventType = (typeof MembershipEventType)[keyof typeof MembershipEventType];

/** A membership change reported by the engine. */
export interface MembershipChange {
  readonly type: MembershipEventType;
  /** The member's new state. */
  readonly member: MemberUpdate;
  /** Its state before the change; `undefined` for a new member. */
  readonly previous: MemberUpdateState | undefined;
}

/** A message the engine asks its driver to send. */
export interface OutgoingMessage {
  readonly to: NodeId;
  readonly message: Message;
}

/** A timer the engine asks its driver to set: call `handleTimer(at, timer)` at time `at`. */
export interface TimerRequest {
  readonly at: number;
  readonly timer: SwimTimer;
}

/** What one call into the engine produced, in order. */
export interface SwimOutput {
  readonly messages: OutgoingMessage[];
  readonly timers: TimerRequest[];
  readonly events: MembershipChange[];
}
