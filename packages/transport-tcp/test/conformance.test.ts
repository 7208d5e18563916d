import {
  type ConformanceNetwork,
  transportConformanceTests,
} from '@tala-net/transport-conformance';
import { NodeId } from '@tala-net/types';
import { beforeAll } from 'vitest';
import { type TcpTlsOptions, TcpTransport } from '../src/index.js';
import { makePki } from './support.js';

const QUEUE = { frames: 16_384, bytes: 12 * 1024 * 1024 };
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * `nodes` transports listening on loopback with each other's addresses in their address books.
 * `deliver()` waits until no transport has anything buffered and every message sent so far has
 * been counted in by its receiver.
 */
async function tcpNetwork(
  nodes: number,
  tlsFor?: (index: number) => TcpTlsOptions,
): Promise<ConformanceNetwork> {
  const transports = Array.from(
    { length: nodes },
    (_, i) =>
      new TcpTransport({
        localId: NodeId(i + 1),
        maxFrameBytes: MAX_FRAME_BYTES,
        maxQueuedFrames: QUEUE.frames,
        maxQueuedBytes: QUEUE.bytes,
        dialTimeoutMs: 2_000,
        ...(tlsFor === undefined ? {} : { tls: tlsFor(i) }),
      }),
  );
  const addresses = await Promise.all(transports.map((t) => t.listen('127.0.0.1:0')));
  for (const t of transports) {
    transports.forEach((peer, i) => {
      if (peer !== t) t.addressBook.set(peer.localId, addresses[i]!);
    });
  }
  const framesSent = (): number => transports.reduce((sum, t) => sum + t.stats.framesOut, 0);
  const framesReceived = (): number => transports.reduce((sum, t) => sum + t.stats.framesIn, 0);
  return {
    transports,
    maxFrameBytes: MAX_FRAME_BYTES,
    queueLimit: QUEUE,
    queueDrops: () => transports[0]!.stats.dropped.queueFull,
    unreachablePeer: async () => {
      // An address that was listening a moment ago: nobody answers there now.
      const gone = new TcpTransport({ localId: NodeId(9_999) });
      const address = await gone.listen('127.0.0.1:0');
      await gone.close();
      return { id: NodeId(9_999), address };
    },
    async deliver() {
      // Until nothing waits in a queue and every frame written has been read by a transport
      // that is still open (frames to a closed transport are lost, so a bounded number of turns).
      for (let turn = 0; turn < 2_000; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        const idle = transports.every((t) => t.closed || t.stats.queuedFrames === 0);
        if (idle && (framesReceived() >= framesSent() || turn >= 200)) return;
      }
    },
    teardown: () => Promise.all(transports.map((t) => t.close({ timeoutMs: 200 }))).then(() => {}),
  };
}

transportConformanceTests({
  name: 'TcpTransport conformance',
  setup: (nodes) => tcpNetwork(nodes),
  burst: 5_000,
  waitTimeoutMs: 30_000,
});

let tlsFor: (index: number) => TcpTlsOptions = () => {
  throw new Error('PKI not ready');
};
beforeAll(() => {
  const pki = makePki([1n, 2n, 3n, 4n, 5n]);
  tlsFor = (index) => ({ ...pki.nodes[index]!, ca: pki.ca });
}, 60_000);

transportConformanceTests({
  name: 'TcpTransport over mutual TLS conformance',
  setup: (nodes) => tcpNetwork(nodes, (index) => tlsFor(index)),
  burst: 2_000,
  waitTimeoutMs: 30_000,
});
