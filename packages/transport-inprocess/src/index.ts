export { InProcessNetwork, type InProcessNetworkStats } from './in-process-network.js';
export { InProcessTransport } from './in-process-transport.js';
export { RingQueue } from './ring-queue.js';
