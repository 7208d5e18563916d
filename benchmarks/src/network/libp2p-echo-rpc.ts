import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2p } from 'libp2p';
import type { Rpc } from './rpc.js';

const PROTOCOL = '/tala-bench/echo/1.0.0';
/** Bytes of the correlation id in front of each payload. */
const ID_BYTES = 4;

async function node(listen: boolean): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  });
}

/**
 * js-libp2p echo on one stream over tcp + noise + yamux: the client writes `[id u32][payload]`
 * records (fixed size) into the stream's sink, one chunk per request or, with `coalesce`, the
 * records of a turn as one chunk; the server pipes the stream's source into its sink (echo); the client matches the echoed records by id.
 */
export async function libp2pEchoRpc(payloadBytes: number, coalesce: boolean): Promise<Rpc> {
  const server = await node(true);
  const client = await node(false);
  await server.handle(PROTOCOL, ({ stream }) => {
    // The client's close resets the stream: the echo then ends with an error nobody waits for.
    stream.sink(stream.source).catch(() => {});
  });
  const stream = await client.dialProtocol(server.getMultiaddrs()[0]!, PROTOCOL);
  const record = ID_BYTES + payloadBytes;
  const waiting = new Map<number, () => void>();
  let buffered = new Uint8Array(0);
  const onChunk = (chunk: Uint8Array): void => {
    let bytes = chunk;
    if (buffered.length > 0) {
      bytes = new Uint8Array(buffered.length + chunk.length);
      bytes.set(buffered);
      bytes.set(chunk, buffered.length);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    for (; bytes.length - at >= record; at += record) {
      const id = view.getUint32(at, true);
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.();
    }
    buffered = bytes.slice(at);
  };
  void (async () => {
    for await (const chunk of stream.source) onChunk(chunk.subarray());
  })().catch(() => {});
  let queued: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  async function* outgoing(): AsyncGenerator<Uint8Array> {
    while (!closed) {
      if (queued.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (!coalesce) {
        const batch = queued;
        queued = [];
        for (const frame of batch) yield frame;
        continue;
      }
      const out = new Uint8Array(queued.length * record);
      for (let i = 0; i < queued.length; i++) out.set(queued[i]!, i * record);
      queued = [];
      yield out;
    }
  }
  void stream.sink(outgoing()).catch(() => {});
  const flush = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let nextId = 0;
  return {
    request(payload) {
      const id = nextId++ >>> 0;
      const frame = new Uint8Array(record);
      new DataView(frame.buffer).setUint32(0, id, true);
      frame.set(payload, ID_BYTES);
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        if (queued.length === 0) queueMicrotask(flush);
        queued.push(frame);
      });
    },
    async close() {
      closed = true;
      flush();
      stream.abort(new Error('closed'));
      await client.stop();
      await server.stop();
    },
  };
}
