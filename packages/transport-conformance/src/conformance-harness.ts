import type { Message, PeerId, Transport } from '@tala-net/types';
import { afterEach } from 'vitest';
import type { ConformanceNetwork, TransportConformanceOptions } from './conformance-network.js';

/** The first three transports of a network, and all of them. */
export interface ConformanceNodes {
  readonly net: ConformanceNetwork;
  readonly a: Transport;
  readonly b: Transport;
  readonly c: Transport;
  readonly all: readonly Transport[];
}

/** What a concern's tests use: fresh networks (torn down after each test) and bounded waits. */
export interface ConformanceHarness {
  /** A fresh network of `nodes` transports (3 by default), torn down after the test. */
  network(nodes?: number): Promise<ConformanceNodes>;
  /**
   * Calls `deliver()` until `condition` holds; fails after the wait timeout, naming `what`.
   * Never sleeps: between rounds it only yields to the event loop.
   */
  eventually(net: ConformanceNetwork, condition: () => boolean, what: string): Promise<void>;
  /** Waits (as {@link eventually}) for `promise` to settle, and returns its outcome. */
  settle<T>(net: ConformanceNetwork, promise: Promise<T>, what: string): Promise<T>;
}

const DEFAULT_WAIT_TIMEOUT_MS = 4_000;

/**
 * Builds the harness of one `describe` block: call it inside the block, so that its `afterEach`
 * tears down the network each test created.
 */
export function conformanceHarness(options: TransportConformanceOptions): ConformanceHarness {
  const waitTimeoutMs = options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  let current: ConformanceNetwork | undefined;

  afterEach(async () => {
    const net = current;
    current = undefined;
    await net?.teardown?.();
  });

  const eventually = async (net: ConformanceNetwork, condition: () => boolean, what: string) => {
    const deadline = Date.now() + waitTimeoutMs;
    for (;;) {
      await net.deliver();
      if (condition()) return;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${waitTimeoutMs} ms waiting for ${what}`);
      }
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  };

  return {
    async network(nodes = 3) {
      const net = await options.setup(nodes);
      current = net;
      const [a, b, c] = net.transports;
      if (a === undefined || b === undefined || c === undefined) {
        throw new Error(`setup(${nodes}) returned ${net.transports.length} transports`);
      }
      return { net, a, b, c, all: net.transports };
    },
    eventually,
    async settle<T>(net: ConformanceNetwork, promise: Promise<T>, what: string): Promise<T> {
      let settled = false;
      const done = () => {
        settled = true;
      };
      promise.then(done, done);
      await eventually(net, () => settled, what);
      return promise;
    },
  };
}

/** A `Ping` from `from` numbered `seq`. */
export const ping = (from: PeerId, seq: number): Message => ({
  type: 'Ping',
  from,
  seq: BigInt(seq),
});

/** The number of a `Ping` or `Pong` (throws for another message). */
export function seqOf(message: Message): number {
  if (message.type !== 'Ping' && message.type !== 'Pong') {
    throw new Error(`expected a Ping, found ${message.type}`);
  }
  return Number(message.seq);
}

/** Takes every message waiting in `transport`'s queue. */
export function drain(transport: Transport): [PeerId, Message][] {
  const received: [PeerId, Message][] = [];
  for (let entry = transport.recv(); entry !== undefined; entry = transport.recv()) {
    received.push(entry);
  }
  return received;
}

/**
 * Collects what `transport` receives (through `recv()` while the test polls, so that no
 * listener changes how the transport queues), for tests that wait for messages.
 */
export class Inbox {
  readonly messages: [PeerId, Message][] = [];

  constructor(private readonly transport: Transport) {}

  /** Takes what waits now and returns how many messages were collected in all. */
  poll(): number {
    for (let entry = this.transport.recv(); entry !== undefined; entry = this.transport.recv()) {
      this.messages.push(entry);
    }
    return this.messages.length;
  }
}
