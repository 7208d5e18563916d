import { DEFAULT_MAX_FRAME_BYTES, decode, encode } from '@tala-net/codec';
import { transportConformanceTests } from '@tala-net/transport-conformance';
import { NodeId } from '@tala-net/types';
import { InProcessNetwork, SimulatedNetwork } from '../src/index.js';

const ids = (count: number) => Array.from({ length: count }, (_, i) => NodeId(i + 1));

transportConformanceTests({
  name: 'InProcessNetwork transport',
  setup(nodes) {
    const net = new InProcessNetwork();
    const transports = ids(nodes).map((id) => net.addNode(id));
    return {
      transports,
      deliver() {},
      delivered: () => net.stats.delivered,
      teardown() {
        for (const t of transports) void t.close();
      },
    };
  },
});

transportConformanceTests({
  name: 'SimulatedNetwork transport (uniform latency, jitter)',
  setup(nodes) {
    const sim = new SimulatedNetwork({
      seed: 11,
      link: { latency: { kind: 'uniform', min: 1, max: 20 }, jitter: 5 },
    });
    return {
      transports: ids(nodes).map((id) => sim.addNode(id)),
      deliver: () => void sim.runUntilIdle(),
      delivered: () => sim.stats.delivered,
    };
  },
});

transportConformanceTests({
  name: 'SimulatedNetwork transport through the codec',
  setup(nodes) {
    const sim = new SimulatedNetwork({ seed: 12, wire: { encode, decode } });
    return {
      transports: ids(nodes).map((id) => sim.addNode(id)),
      deliver: () => void sim.runUntilIdle(),
      delivered: () => sim.stats.delivered,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
    };
  },
});
