import * as net from 'node:net';
import type { Rpc } from './rpc.js';

/** Splits a byte stream into `[length u32 LE][body]` frames. */
function framer(onFrame: (body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const length = pending.readUInt32LE(at);
      if (pending.length - at - 4 < length) break;
      onFrame(pending.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    pending = pending.subarray(at);
  };
}

/** Writes the frames queued during a turn as one buffer. */
function coalescer(socket: net.Socket): (frame: Buffer) => void {
  let queued: Buffer[] = [];
  return (frame) => {
    if (queued.length === 0) {
      queueMicrotask(() => {
        const out = queued;
        queued = [];
        socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      });
    }
    queued.push(frame);
  };
}

/**
 * The ceiling: a minimal correlation-id RPC on a raw `node:net` socket, frames `[length u32][id
 * u32][payload]`, writes coalesced per turn on both sides, the server echoing the payload.
 */
export async function rawNetRpc(): Promise<Rpc> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const write = coalescer(socket);
    socket.on(
      'data',
      framer((body) => {
        const frame = Buffer.allocUnsafe(4 + body.length);
        frame.writeUInt32LE(body.length, 0);
        body.copy(frame, 4);
        write(frame);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const write = coalescer(socket);
  const waiting = new Map<number, () => void>();
  let nextId = 0;
  socket.on(
    'data',
    framer((body) => {
      const id = body.readUInt32LE(0);
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.();
    }),
  );
  return {
    request(payload) {
      const id = nextId++ >>> 0;
      const frame = Buffer.allocUnsafe(8 + payload.length);
      frame.writeUInt32LE(4 + payload.length, 0);
      frame.writeUInt32LE(id, 4);
      frame.set(payload, 8);
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        write(frame);
      });
    },
    async close() {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
