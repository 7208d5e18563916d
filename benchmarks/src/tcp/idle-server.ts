import * as net from 'node:net';
import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';
import { WebSocketServer } from 'ws';

/*
 * The server side of the idle-connection measurement, run in a process of its own (with
 * --expose-gc) so that its memory holds nothing but the server and its connections. Started as
 * `idle-server.ts <net|transport|ws>`; it talks to its parent over IPC:
 *   → { address, memory }                 once listening (memory after a full GC)
 *   ← { measure: n }                      when n connections were opened (asked several times)
 *   → { connections, memory }             once it has accepted n, after a full GC
 */

/** What the server process reports. */
export interface IdleServerReport {
  readonly address?: string;
  readonly connections?: number;
  readonly memory: NodeJS.MemoryUsage;
}

const kind = process.argv[2];
let connections = 0;
let wanted = Number.POSITIVE_INFINITY;
const kept: unknown[] = [];

function settledMemory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('idle-server needs --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
}

function report(message: IdleServerReport): void {
  process.send?.(message);
}

function counted(): void {
  connections++;
  if (connections === wanted) report({ connections, memory: settledMemory() });
}

async function listen(): Promise<string> {
  if (kind === 'net') {
    const server = net.createServer({ noDelay: true }, (socket) => {
      socket.on('data', () => {});
      socket.on('error', () => {});
      kept.push(socket);
      counted();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }
  if (kind === 'ws') {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    server.on('connection', (socket) => {
      socket.on('message', () => {});
      counted();
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }
  if (kind === 'transport') {
    const transport = new TcpTransport({ localId: NodeId(1), maxConnections: 4_096 });
    transport.addEventListener('peer:connect', counted);
    transport.addEventListener('message', () => {});
    return transport.listen('127.0.0.1:0');
  }
  throw new Error(`idle-server: unknown kind ${String(kind)}`);
}

const address = await listen();
process.on('message', (message: { measure?: number }) => {
  if (message.measure === undefined) return;
  wanted = message.measure;
  if (connections >= wanted) report({ connections, memory: settledMemory() });
});
process.on('disconnect', () => process.exit(0));
report({ address, memory: settledMemory() });
