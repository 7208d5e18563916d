import type { Message, MessageType } from '@tala-net/types';
import { firesItself, type VirtualClock, VirtualTimer } from './virtual-clock.js';

/**
 * @internal One message on its way through a simulated link: the timer that delivers it carries
 * the delivery's data itself, so a message in flight costs one object (no callback closure).
 */
export class ScheduledDelivery<Node> extends VirtualTimer {
  constructor(
    at: number,
    clock: VirtualClock,
    /** Called when the delivery comes due. */
    readonly arrive: (delivery: ScheduledDelivery<Node>) => void,
    /** The sending node. */
    readonly sender: Node,
    /** The sender's crash count when it sent: a crash since voids the message. */
    readonly crashes: number,
    /** The receiving node. */
    readonly receiver: Node,
    /** The receiver's epoch when the message was sent: a crash since voids the delivery. */
    readonly epoch: number,
    /** The message's type (for counters and traces). */
    readonly type: MessageType,
    /** The receiver's own copy of the message, or its encoded bytes with a wire codec. */
    readonly payload: Message | Uint8Array,
  ) {
    super(at, firesItself, undefined, clock);
  }

  override fire(): void {
    this.arrive(this);
  }
}
