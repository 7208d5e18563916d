import { RingQueue } from '@tala-net/types';
import type { InProcessTransport } from './in-process-transport.js';

/**
 * Runs `message` event dispatch for a network without re-entrancy: a transport scheduled while
 * listeners are running is dispatched after they return, by the outermost call, so replies sent
 * from a listener never nest and stay in FIFO order.
 */
export class DispatchScheduler {
  private readonly pending = new RingQueue<InProcessTransport>();
  private dispatching = false;

  /** Queues `transport` for dispatch and, unless a dispatch is already running, runs it now. */
  schedule(transport: InProcessTransport): void {
    this.pending.push(transport);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        next.dispatchQueued();
      }
    } finally {
      this.dispatching = false;
    }
  }
}
