import type { Message, NodeId } from '@tala-net/types';
import type { MembershipChange, SwimOutput, SwimTimer } from './swim-types.js';

/**
 * @internal What one engine call asks of its driver (the messages to send, the timers to set and
 * the changes to report, in order), for a driver that applies it at once: the same content as a
 * `SwimOutput`, in parallel arrays that are emptied by count and never shrink, so that a call
 * allocates no array and no wrapper per message or timer.
 */
export class DriverOutput {
  /** Receivers of `messages`, index by index. */
  readonly to: NodeId[] = [];
  readonly messages: Message[] = [];
  messageCount = 0;
  /** Due times of `timers`, index by index. */
  readonly at: number[] = [];
  readonly timers: SwimTimer[] = [];
  timerCount = 0;
  readonly events: MembershipChange[] = [];
  eventCount = 0;

  /** Adds a message to send to `to`. */
  addMessage(to: NodeId, message: Message): void {
    const i = this.messageCount++;
    this.to[i] = to;
    this.messages[i] = message;
  }

  /** Adds a timer to set at `at`. */
  addTimer(at: number, timer: SwimTimer): void {
    const i = this.timerCount++;
    this.at[i] = at;
    this.timers[i] = timer;
  }

  /** Adds a change to report. */
  addEvent(change: MembershipChange): void {
    this.events[this.eventCount++] = change;
  }

  /** Adds everything `out` holds. */
  addAll(out: SwimOutput): void {
    for (const { to, message } of out.messages) this.addMessage(to, message);
    for (const { at, timer } of out.timers) this.addTimer(at, timer);
    for (const change of out.events) this.addEvent(change);
  }

  /** Empties it, dropping what it referred to (the arrays keep their room). */
  clear(): void {
    for (let i = 0; i < this.messageCount; i++) this.messages[i] = EMPTY_MESSAGE;
    for (let i = 0; i < this.timerCount; i++) this.timers[i] = NO_TIMER;
    for (let i = 0; i < this.eventCount; i++) this.events[i] = NO_EVENT;
    this.messageCount = 0;
    this.timerCount = 0;
    this.eventCount = 0;
  }
}

// Placeholders for emptied slots (the arrays keep one element kind).
const EMPTY_MESSAGE = { type: 'Pong' } as unknown as Message;
const NO_TIMER: SwimTimer = { kind: 'probe' };
const NO_EVENT = {} as MembershipChange;
