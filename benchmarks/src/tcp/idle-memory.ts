import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';
import { WebSocket } from 'ws';
import type { IdleServerReport } from './idle-server.js';

/**
 * Idle connections opened per measurement: the cost is the growth between the first half and
 * all of them, so that start-up work (compiling the handlers, first allocations) cancels out.
 */
export const IDLE_CONNECTIONS = 1_000;
/** Connections opened at once (below the transport's default limit of pending handshakes). */
const OPEN_AT_ONCE = 100;

/** Kinds of idle server measured. */
export type IdleKind = 'net' | 'transport' | 'ws';

/** Growth of the server process per idle connection, in bytes. */
export interface IdleCost {
  readonly rss: number;
  /** V8 heap plus memory outside it (buffers): what the connections' objects hold. */
  readonly heapAndExternal: number;
}

/**
 * Starts an idle server of `kind` in a process of its own, opens {@link IDLE_CONNECTIONS}
 * connections to it from this process (a raw socket, a `TcpTransport` each that completes the
 * handshake, or a `ws` client), and returns how much the server process grew per connection
 * from half of them to all of them (memory measured after full GCs, once the server accepted
 * every connection opened so far).
 */
export async function idleCost(kind: IdleKind): Promise<IdleCost> {
  const file = fileURLToPath(new URL('./idle-server.ts', import.meta.url));
  const child = fork(file, [kind], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const closers: (() => unknown)[] = [];
  try {
    const { address } = await nextReport(child);
    const half = IDLE_CONNECTIONS / 2;
    const memoryAt = async (count: number): Promise<NodeJS.MemoryUsage> => {
      for (let opened = closers.length; opened < count; opened += OPEN_AT_ONCE) {
        const batch = Array.from({ length: Math.min(OPEN_AT_ONCE, count - opened) }, (_, i) =>
          openIdle(kind, address!, opened + i),
        );
        closers.push(...(await Promise.all(batch)));
      }
      const report = nextReport(child);
      child.send({ measure: count });
      return (await report).memory;
    };
    const before = await memoryAt(half);
    const after = await memoryAt(IDLE_CONNECTIONS);
    const grew = (key: 'rss' | 'heapUsed' | 'external'): number => after[key] - before[key];
    return {
      rss: grew('rss') / (IDLE_CONNECTIONS - half),
      heapAndExternal: (grew('heapUsed') + grew('external')) / (IDLE_CONNECTIONS - half),
    };
  } finally {
    await Promise.all(closers.map((close) => close()));
    child.kill();
  }
}

function nextReport(child: ChildProcess): Promise<IdleServerReport> {
  return once(child, 'message').then(([message]) => message as IdleServerReport);
}

async function openIdle(kind: IdleKind, address: string, index: number): Promise<() => unknown> {
  const [host, port] = address.split(':') as [string, string];
  if (kind === 'net') {
    const socket = net.connect({ host, port: Number(port) });
    socket.on('error', () => {});
    await once(socket, 'connect');
    return () => socket.destroy();
  }
  if (kind === 'ws') {
    const socket = new WebSocket(`ws://${address}`, { perMessageDeflate: false });
    await once(socket, 'open');
    return () => socket.terminate();
  }
  const client = new TcpTransport({ localId: NodeId(1_000 + index) });
  await client.dial(address);
  return () => client.close({ timeoutMs: 100 });
}
