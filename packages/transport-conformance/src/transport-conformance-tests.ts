import { describe } from 'vitest';
import { addressTests } from './addresses.js';
import { backpressureTests } from './backpressure.js';
import type { TransportConformanceOptions } from './conformance-network.js';
import { largeFrameTests } from './large-frames.js';
import { lifecycleTests } from './lifecycle.js';
import { messagingTests } from './messaging.js';
import { peerEventTests } from './peer-events.js';

/**
 * Registers the whole conformance suite of the `Transport` interface (a vitest `describe` block
 * with one block per concern) for the transport that `setup` creates: messaging, addresses,
 * lifecycle, peer events, backpressure and large frames. Each concern is also available alone
 * from its own subpath (e.g. `@tala-net/transport-conformance/messaging`).
 *
 * @example
 * ```ts
 * transportConformanceTests({
 *   name: 'InProcessTransport',
 *   setup(nodes) {
 *     const net = new InProcessNetwork();
 *     const transports = Array.from({ length: nodes }, (_, i) => net.addNode(NodeId(i + 1)));
 *     return { transports, deliver() {} };
 *   },
 * });
 * ```
 */
export function transportConformanceTests(options: TransportConformanceOptions): void {
  describe(options.name ?? 'Transport conformance', () => {
    messagingTests({ ...options, name: 'messaging' });
    addressTests({ ...options, name: 'addresses' });
    lifecycleTests({ ...options, name: 'lifecycle' });
    peerEventTests({ ...options, name: 'peer events' });
    backpressureTests({ ...options, name: 'backpressure' });
    largeFrameTests({ ...options, name: 'large frames' });
  });
}
