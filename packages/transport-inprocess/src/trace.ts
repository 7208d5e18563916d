import type { MessageType, NodeId } from '@tala-net/types';

/** Why a simulated message was dropped. */
export const DropCause = {
  /** Random loss on the link (`LinkOptions.loss`). */
  Loss: 'loss',
  /** The link is cut by a partition (at send time, or while the message was in flight). */
  Partition: 'partition',
  /**
   * The receiver is crashed or closed (or crashed while the message was in flight), or the
   * sender crashed while the message was in flight.
   */
  Crashed: 'crashed',
  /** The receiver was never added to the network. */
  Unknown: 'unknown',
  /** The `wire` codec could not decode the message at delivery (see `SimulatedNetwork.wireErrors`). */
  Corrupt: 'corrupt',
  /**
   * The message had arrived but still waited in the receiver's queue for `recv()` when the
   * receiver's transport closed.
   */
  Closed: 'closed',
} as const;

/** One of the values of {@link DropCause}. */
export type DropCause = (typeof DropCause)[keyof typeof DropCause];

/** What a {@link TraceEvent} records. */
export const TraceKind = {
  /** A message was sent. */
  Send: 'send',
  /** The application received the message (a listener was dispatched it, or `recv()` took it). */
  Deliver: 'deliver',
  /** A message was dropped (see `cause`). */
  Drop: 'drop',
  /** A message was duplicated on its link. */
  Duplicate: 'duplicate',
  /** A node crashed. */
  Crash: 'crash',
  /** A node's transport was closed. */
  Close: 'close',
  /** A crashed node restarted. */
  Restart: 'restart',
  /** A partition cut links. */
  Partition: 'partition',
  /** A partition was healed. */
  Heal: 'heal',
} as const;

/** One of the values of {@link TraceKind}. */
export type TraceKind = (typeof TraceKind)[keyof typeof TraceKind];

/**
 * One recorded event of a simulation. Message events have `from`, `to` and `type`; a drop has a
 * `cause`; node events (`crash`, `close`, `restart`) have `from` only; `partition` and `heal`
 * have neither.
 */
export interface TraceEvent {
  /** Virtual time in ms. */
  readonly time: number;
  /** What happened. */
  readonly kind: TraceKind;
  /** The sender of a message, or the node of a node event. */
  readonly from?: NodeId;
  /** The receiver of a message. */
  readonly to?: NodeId;
  /** The `type` of the message. */
  readonly type?: MessageType;
  /** Why a message was dropped. */
  readonly cause?: DropCause;
}

/**
 * One line of text per event, e.g. `12.5 deliver 1->2 Ping`; two runs produce identical traces
 * exactly when these strings are equal.
 */
export function formatTrace(events: readonly TraceEvent[]): string {
  let text = '';
  for (const event of events) {
    text += `${event.time} ${event.kind}`;
    if (event.from !== undefined) text += ` ${event.from}`;
    if (event.to !== undefined) text += `->${event.to}`;
    if (event.type !== undefined) text += ` ${event.type}`;
    if (event.cause !== undefined) text += ` ${event.cause}`;
    text += '\n';
  }
  return text;
}
