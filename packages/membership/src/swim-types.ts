import type { Message, NodeId } from '@tala-net/types';
import type { MemberUpdate, MemberUpdateState } from './swim-messages.js';

/**
 * A timer the SWIM engine asks its driver to set. When it fires, hand it back unchanged to
 * `SwimEngine.handleTimer`. Timers are never cancelled: a timer that no longer matters is
 * ignored when it fires.
 */
export type SwimTimer =
  | {
      /** Start of the next protocol period. */
      readonly kind: 'probe';
    }
  | {
      /** The direct probe `seq` went unanswered for the probe timeout: probe indirectly. */
      readonly kind: 'probeTimeout';
      /** The sequence number of the unanswered probe. */
      readonly seq: bigint;
    }
  | {
      /** An indirect probe relayed for another member timed out. */
      readonly kind: 'relayTimeout';
      /** The relay's own sequence number of the probe. */
      readonly seq: bigint;
    }
  | {
      /** The suspicion of `node` at `incarnation` may have expired. */
      readonly kind: 'suspicion';
      /** The suspected member. */
      readonly node: NodeId;
      /** The incarnation at which it is suspected. */
      readonly incarnation: bigint;
    }
  | {
      /** Time for a push-pull with a random member. */
      readonly kind: 'pushPull';
    }
  | {
      /** Time for a healing push-pull with a recently-dead member or an unreachable seed. */
      readonly kind: 'heal';
    }
  | {
      /** `node` has been dead or gone for the reclaim time. */
      readonly kind: 'reclaim';
      /** The member to forget. */
      readonly node: NodeId;
      /**
       * The record's generation when the timer was armed: a member that changed since (came back
       * and went down again) is reclaimed after its latest down time, not this one.
       */
      readonly generation: number;
    };

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
  /** What changed. */
  readonly type: MembershipEventType;
  /** The member's new state. */
  readonly member: MemberUpdate;
  /** Its state before the change; `undefined` for a new member. */
  readonly previous: MemberUpdateState | undefined;
}

/** A message the engine asks its driver to send. */
export interface OutgoingMessage {
  /** The recipient. */
  readonly to: NodeId;
  /** The message to send. */
  readonly message: Message;
}

/** A timer the engine asks its driver to set: call `handleTimer(at, timer)` at time `at`. */
export interface TimerRequest {
  /** When the timer fires, in the engine's milliseconds. */
  readonly at: number;
  /** What to hand back to `handleTimer` then. */
  readonly timer: SwimTimer;
}

/** What one call into the engine produced, in order. */
export interface SwimOutput {
  /** Messages to send. */
  readonly messages: OutgoingMessage[];
  /** Timers to set. */
  readonly timers: TimerRequest[];
  /** Membership changes, in the order they happened. */
  readonly events: MembershipChange[];
}
