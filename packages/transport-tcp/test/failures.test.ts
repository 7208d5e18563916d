import { once } from 'node:events';
import * as net from 'node:net';
import { encode } from '@tala-net/codec';
import {
  type ErrorReportEvent,
  NodeId,
  type PeerDisconnectEvent,
  seededRandom,
} from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';
import { TcpTransport } from '../src/index.js';
import {
  collect,
  hello,
  listening,
  ManualClock,
  nextEvent,
  ping,
  RawPeer,
  seqOf,
  transport,
  within,
} from './support.js';

/** Spins the event loop (no timer) until `condition()` holds, failing after `turns` turns. */
async function eventually(condition: () => boolean, turns = 2_000_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

describe('TcpTransport: one bad peer does not hurt the others', () => {
  it('a malformed frame closes only that connection, reported with the peer and the reason', async () => {
    const b = await listening({ localId: NodeId(2) });
    const a = await listening({ localId: NodeId(1) });
    await a.dial(b.address!);
    const attacker = await RawPeer.handshake(b.address!, NodeId(9));
    const reported = nextEvent<ErrorReportEvent>(b, 'error');
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    const frame = encode({ type: 'Ping', from: NodeId(9), seq: 1n });
    frame[1] = 15; // a Ping payload must be 16 bytes
    attacker.socket.write(frame.subarray(0, 20));
    const disconnect = await gone;
    expect([disconnect.peer, disconnect.reason]).toEqual([9n, 'protocol']);
    const report = await reported;
    expect(report.source).toBe('peer:9');
    expect(String(report.error)).toMatch(/Ping/);
    await attacker.until(() => attacker.closed);
    expect(b.stats.malformedFrames).toBe(1);
    const got = collect(b, 100);
    for (let i = 0; i < 100; i++) a.send(NodeId(2), ping(NodeId(1), i));
    expect((await got).map(([, m]) => seqOf(m))).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('a header declaring more than maxFrameBytes closes the connection before the body arrives', async () => {
    const b = await listening({ localId: NodeId(2), maxFrameBytes: 1024 });
    const attacker = await RawPeer.handshake(b.address!, NodeId(9));
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    attacker.socket.write(new Uint8Array([0x05, 0x01, 0x04, 0x00, 0x00])); // 1025 bytes follow
    expect((await gone).reason).toBe('protocol');
    expect(b.stats.bytesIn).toBeLessThan(200);
  });

  it('connections trickling large frames cannot hold more than maxPartialFrameBytes together', async () => {
    const b = await listening({ localId: NodeId(2), maxPartialFrameBytes: 1024 * 1024 });
    const first = await RawPeer.handshake(b.address!, NodeId(8));
    const second = await RawPeer.handshake(b.address!, NodeId(9));
    const header = new Uint8Array([0x04, 0x00, 0x00, 0x10, 0x00]); // SegmentSync of 1 MiB
    first.socket.write(Buffer.concat([header, new Uint8Array(600 * 1024)]));
    await eventually(() => b.stats.bytesIn >= 600 * 1024);
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    second.socket.write(Buffer.concat([header, new Uint8Array(600 * 1024)]));
    const disconnect = await gone;
    expect([disconnect.peer, disconnect.reason]).toEqual([9n, 'protocol']);
    expect(b.connectedPeers()).toEqual([8n]);
    // The first peer completes its frame and keeps its connection.
    const got = collect(b, 1);
    first.socket.write(new Uint8Array(1024 * 1024 - 600 * 1024));
    expect((await got)[0]![1].type).toBe('SegmentSync');
  });

  it('a peer killed mid-frame delivers nothing of that frame and leaves cleanly', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.handshake(b.address!, NodeId(9));
    const got: unknown[] = [];
    b.addEventListener('message', (event) => got.push(event.message));
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    const frames = encode({ type: 'Ping', from: NodeId(9), seq: 1n });
    peer.socket.write(Buffer.concat([frames, frames.subarray(0, 11)]));
    peer.socket.destroy();
    expect((await gone).reason).toBe('remote-closed');
    expect(got).toEqual([{ type: 'Ping', from: 9n, seq: 1n }]);
    expect(b.stats.malformedFrames).toBe(0);
  });
});

describe('TcpTransport: addresses that cannot be dialled', () => {
  it('an address a peer advertises that is not host:port is not learned, and sends to it later throw nothing', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.connect(b.address!);
    peer.write(hello(NodeId(7), { listenAddress: new TextEncoder().encode('not an address') }));
    await peer.until(() => peer.received.some((m) => m.type === 'HandshakeWelcome'));
    expect(b.connectedPeers()).toEqual([7n]);
    expect(b.addressBook.get(NodeId(7))).toBeUndefined();
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    peer.socket.destroy();
    await gone;
    expect(() => b.send(NodeId(7), ping(NodeId(2), 1))).not.toThrow();
    expect(b.stats.dropped.unknown).toBe(1);
  });

  it('a peer whose address in the book is not host:port: its frames are dropped as unreachable and an error names it', async () => {
    const b = await listening({ localId: NodeId(2) });
    b.addressBook.set(NodeId(7), 'not an address');
    const reported = nextEvent<ErrorReportEvent>(b, 'error');
    expect(() => b.send(NodeId(7), ping(NodeId(2), 1))).not.toThrow();
    const { error } = await reported;
    expect(error).toMatchObject({ code: 'InvalidArgument' });
    expect(String((error as Error).message)).toContain('not an address');
    expect(b.stats.dropped.unreachable).toBe(1);
    expect(b.peerStats(NodeId(7))?.queuedFrames ?? 0).toBe(0);
  });

  it('a redial to an address that is no longer host:port gives up instead of throwing from its timer', async () => {
    const clock = new ManualClock();
    const gone = await listening({ localId: NodeId(2) });
    const address = gone.address!;
    await gone.close();
    const a = transport({ localId: NodeId(1), clock, reconnectBaseMs: 100, reconnectCapMs: 1_000 });
    a.addressBook.set(NodeId(2), address);
    a.send(NodeId(2), ping(NodeId(1), 1));
    await eventually(() => a.stats.dialFailures === 1);
    a.addressBook.set(NodeId(2), 'not an address');
    const reported = nextEvent<ErrorReportEvent>(a, 'error');
    clock.advance(1_000);
    expect((await reported).error).toMatchObject({ code: 'InvalidArgument' });
    expect(a.stats.dropped.unreachable).toBe(1);
    expect(a.stats.dialFailures).toBe(1);
  });
});

describe('TcpTransport: one connection per pair', () => {
  it('simultaneous dials leave exactly one connection, chosen the same way by both sides', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await listening({ localId: NodeId(10 + round * 2) });
      const b = await listening({ localId: NodeId(11 + round * 2) });
      const [idOfB, idOfA] = await Promise.all([a.dial(b.address!), b.dial(a.address!)]);
      expect([idOfB, idOfA]).toEqual([b.localId, a.localId]);
      expect(a.connectedPeers()).toEqual([b.localId]);
      expect(b.connectedPeers()).toEqual([a.localId]);
      const atA = collect(a, 50);
      const atB = collect(b, 50);
      for (let i = 0; i < 50; i++) {
        a.send(b.localId, ping(a.localId, i));
        b.send(a.localId, ping(b.localId, i));
      }
      const expected = Array.from({ length: 50 }, (_, i) => i);
      expect((await atA).map(([, m]) => seqOf(m))).toEqual(expected);
      expect((await atB).map(([, m]) => seqOf(m))).toEqual(expected);
      expect(a.stats.connections).toBe(1);
      // Resolving the race is no failure on either side.
      expect([a.stats.handshakeFailures, b.stats.handshakeFailures]).toEqual([0, 0]);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('sends that dial each other at once lose and reorder nothing', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await listening({ localId: NodeId(100 + round * 2) });
      const b = await listening({ localId: NodeId(101 + round * 2) });
      a.addressBook.set(b.localId, b.address!);
      b.addressBook.set(a.localId, a.address!);
      const atA = collect(a, 200);
      const atB = collect(b, 200);
      for (let i = 0; i < 200; i++) {
        a.send(b.localId, ping(a.localId, i));
        b.send(a.localId, ping(b.localId, i));
      }
      const expected = Array.from({ length: 200 }, (_, i) => i);
      expect((await atA).map(([, m]) => seqOf(m))).toEqual(expected);
      expect((await atB).map(([, m]) => seqOf(m))).toEqual(expected);
      expect(a.connectedPeers()).toEqual([b.localId]);
      expect(b.connectedPeers()).toEqual([a.localId]);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('two dials of the same node to one peer (dial() and a send) keep the connection the peer welcomed', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await listening({ localId: NodeId(200 + round * 2) });
      const b = await listening({ localId: NodeId(201 + round * 2) });
      a.addressBook.set(b.localId, b.address!);
      const got = collect(b, 1);
      const dialled = a.dial(b.address!);
      a.send(b.localId, ping(a.localId, 1));
      expect(await within(dialled, 'dial()')).toBe(b.localId);
      expect((await got).map(([, m]) => seqOf(m))).toEqual([1]);
      await within(a.drained(b.localId), 'drained()');
      expect(a.connectedPeers()).toEqual([b.localId]);
      expect(b.connectedPeers()).toEqual([a.localId]);
      // The connection b opened stays: nobody closed it and reconnected.
      expect([a.stats.reconnects, b.stats.reconnects]).toEqual([0, 0]);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("a dial refused as a duplicate is retried when the peer's own dial never connects", async () => {
    // A server that accepts and never speaks: the lower id's dial to it hangs in its handshake.
    const silent = net.createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const lower = await listening({
        localId: NodeId(1),
        handshakeTimeoutMs: 300,
        maxDialAttempts: 1,
      });
      const higher = await listening({ localId: NodeId(2), reconnectBaseMs: 5 });
      lower.addressBook.set(
        higher.localId,
        `127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
      );
      lower.send(higher.localId, ping(lower.localId, 1));
      const got = collect(lower, 1);
      higher.addressBook.set(lower.localId, lower.address!);
      higher.send(lower.localId, ping(higher.localId, 7));
      expect((await got).map(([from, m]) => [from, seqOf(m)])).toEqual([[higher.localId, 7]]);
      expect(higher.connectedPeers()).toEqual([lower.localId]);
    } finally {
      silent.close();
    }
  });

  it("a dial() refused as a duplicate rejects when the peer's own dial never connects and it has no address to redial", async () => {
    const silent = net.createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const lower = await listening({ localId: NodeId(1) });
      const higher = await listening({ localId: NodeId(2), reconnectBaseMs: 5 });
      lower.addressBook.set(
        higher.localId,
        `127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
      );
      lower.send(higher.localId, ping(lower.localId, 1));
      const dialled = higher.dial(lower.address!);
      await expect(within(dialled, 'dial()')).rejects.toMatchObject({ code: 'Unreachable' });
      expect(higher.connectedPeers()).toEqual([]);
    } finally {
      silent.close();
    }
  });

  it('a handshake cut short by close() is not counted as a failed one', async () => {
    const b = await listening({ localId: NodeId(2) });
    const silent = await RawPeer.connect(b.address!);
    await b.close();
    await silent.until(() => silent.closed);
    expect(b.stats.handshakeFailures).toBe(0);
  });

  it('a restarted peer (a new boot id) replaces its old connection', async () => {
    const b = await listening({ localId: NodeId(2) });
    const before = await RawPeer.handshake(b.address!, NodeId(9));
    const replaced = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    const after = await RawPeer.connect(b.address!);
    after.write(hello(NodeId(9), { bootId: 2n }));
    expect((await replaced).reason).toBe('replaced');
    await before.until(() => before.closed);
    await after.until(() => after.received.some((m) => m.type === 'HandshakeWelcome'));
    expect(b.connectedPeers()).toEqual([9n]);
    b.send(NodeId(9), ping(NodeId(2), 1));
    await after.until(() => after.received.some((m) => m.type === 'Ping'));
  });

  it('reconnects to a peer restarted on the same address, and counts it', async () => {
    const a = await listening({ localId: NodeId(1), reconnectBaseMs: 5 });
    const first = await listening({ localId: NodeId(2) });
    const address = first.address!;
    await a.dial(address);
    const gone = nextEvent<PeerDisconnectEvent>(a, 'peer:disconnect');
    await first.close();
    expect((await gone).reason).toBe('remote-closed');
    const second = transport({ localId: NodeId(2) });
    await second.listen(address);
    const got = collect(second, 1);
    a.send(NodeId(2), ping(NodeId(1), 42));
    expect(seqOf((await got)[0]![1])).toBe(42);
    expect(a.stats.reconnects).toBe(1);
  });

  it('accepts 200 connections at once', async () => {
    const hub = await listening({ localId: NodeId(1) });
    const got = collect(hub, 200);
    const spokes = Array.from({ length: 200 }, (_, i) => transport({ localId: NodeId(1000 + i) }));
    const ids = await Promise.all(spokes.map((spoke) => spoke.dial(hub.address!)));
    expect(new Set(ids)).toEqual(new Set([1n]));
    for (const spoke of spokes) spoke.send(NodeId(1), ping(spoke.localId, 1));
    const senders = (await got).map(([from]) => from);
    expect(new Set(senders).size).toBe(200);
    expect(hub.stats.connections).toBe(200);
    expect(hub.stats.rejectedConnections).toBe(0);
  });
});

describe('TcpTransport: timeouts and backpressure', () => {
  it('detects a half-open connection: heartbeats go out, silence past the idle timeout closes it', async () => {
    const clock = new ManualClock();
    const b = await listening({ localId: NodeId(2), clock, idleTimeoutMs: 3_000 });
    const silent = await RawPeer.handshake(b.address!, NodeId(9));
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    clock.advance(1_000);
    await silent.until(() => silent.received.some((m) => m.type === 'Heartbeat'));
    expect(b.connectedPeers()).toEqual([9n]);
    clock.advance(1_000);
    clock.advance(1_000);
    const disconnect = await gone;
    expect([disconnect.peer, disconnect.reason]).toEqual([9n, 'timeout']);
    await silent.until(() => silent.closed);
  });

  it('one timer serves every open connection: heartbeats go to each, silent ones time out', async () => {
    const clock = new ManualClock();
    const b = await listening({ localId: NodeId(2), clock, idleTimeoutMs: 3_000 });
    const peers = [
      await RawPeer.handshake(b.address!, NodeId(7)),
      await RawPeer.handshake(b.address!, NodeId(8)),
      await RawPeer.handshake(b.address!, NodeId(9)),
    ];
    await eventually(() => b.connectedPeers().length === 3);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(1_000);
    for (const peer of peers) {
      await peer.until(() => peer.received.some((m) => m.type === 'Heartbeat'));
    }
    const talker = peers[0]!;
    for (let second = 2; second <= 3; second++) {
      const heard = b.stats.framesIn;
      talker.write({ type: 'Heartbeat' });
      await eventually(() => b.stats.framesIn > heard);
      clock.advance(1_000);
    }
    for (const silent of peers.slice(1)) await silent.until(() => silent.closed);
    expect(b.connectedPeers()).toEqual([7n]);
    expect(clock.pendingTimers).toBe(1);
  });

  it('a peer that talks is never timed out', async () => {
    const clock = new ManualClock();
    const b = await listening({ localId: NodeId(2), clock, idleTimeoutMs: 3_000 });
    const peer = await RawPeer.handshake(b.address!, NodeId(9));
    for (let second = 1; second <= 10; second++) {
      const heard = b.stats.framesIn;
      peer.write({ type: 'Heartbeat' });
      await eventually(() => b.stats.framesIn > heard);
      clock.advance(1_000);
    }
    expect(b.connectedPeers()).toEqual([9n]);
    expect(peer.closed).toBe(false);
  });

  it('closes a connection that never completes its handshake', async () => {
    const clock = new ManualClock();
    const b = await listening({ localId: NodeId(2), clock, handshakeTimeoutMs: 500 });
    const silent = await RawPeer.connect(b.address!);
    clock.advance(500);
    await silent.until(() => silent.closed);
    expect(b.stats.handshakeFailures).toBe(1);
  });

  it('a paused reader costs the sender bounded memory; what does not fit is dropped and counted', async () => {
    const maxQueuedBytes = 4 * 1024 * 1024;
    const a = await listening({ localId: NodeId(1), maxQueuedBytes });
    const reader = await RawPeer.handshake(a.address!, NodeId(9));
    reader.socket.pause();
    const chunk = new Uint8Array(64 * 1024);
    const rssBefore = process.memoryUsage().rss;
    let peak = 0;
    for (let i = 0; i < 8_192; i++) {
      // 512 MiB offered in all
      a.send(NodeId(9), {
        type: 'SegmentSync',
        partition: 1 as never,
        version: BigInt(i),
        segmentData: chunk,
      } as never);
      if (i % 256 === 255) {
        await new Promise((resolve) => setImmediate(resolve));
        peak = Math.max(peak, a.buffered(NodeId(9)).bytes);
      }
    }
    const stats = a.peerStats(NodeId(9))!;
    expect(stats.dropped.queueFull).toBeGreaterThan(7_000);
    expect(stats.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes);
    // What waits: the queue plus at most one flush handed to the socket.
    expect(peak).toBeLessThanOrEqual(2 * maxQueuedBytes + 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);
    const drained = a.drained(NodeId(9));
    reader.socket.resume();
    await drained;
    expect(a.buffered(NodeId(9))).toEqual({ frames: 0, bytes: 0 });
  });

  it('redials with backoff, and drops the queue after maxDialAttempts failures', async () => {
    const clock = new ManualClock();
    const gone = await listening({ localId: NodeId(2) });
    const address = gone.address!;
    await gone.close();
    const a = transport({
      localId: NodeId(1),
      clock,
      random: seededRandom(7),
      maxDialAttempts: 3,
      reconnectBaseMs: 100,
      reconnectCapMs: 1_000,
    });
    a.addressBook.set(NodeId(2), address);
    for (let i = 0; i < 5; i++) a.send(NodeId(2), ping(NodeId(1), i));
    const drained = a.drained(NodeId(2));
    for (let failures = 1; failures <= 3; failures++) {
      await eventually(() => a.stats.dialFailures === failures);
      if (failures < 3) {
        expect(a.buffered(NodeId(2)).frames).toBe(5);
        clock.advance(1_000);
      }
    }
    await drained;
    expect(a.stats.dropped.unreachable).toBe(5);
    expect(a.peerStats(NodeId(2))?.dialFailures ?? 3).toBe(3);
  });
});

describe('backoffDelay', () => {
  it('is full jitter under an exponential ceiling with a cap', () => {
    const random = seededRandom(1);
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(5_000, 100 * 2 ** attempt);
      const delays = Array.from({ length: 400 }, () => backoffDelay(attempt, 100, 5_000, random));
      for (const delay of delays) {
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
      const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
      expect(mean).toBeGreaterThan(ceiling * 0.35);
      expect(mean).toBeLessThan(ceiling * 0.65);
    }
    expect(backoffDelay(10_000, 100, 5_000, seededRandom(2))).toBeLessThan(5_000);
  });
});

it('TcpTransport rejects malformed options with InvalidArgument', () => {
  for (const options of [
    { localId: -1n },
    { localId: NodeId(1), clusterLabel: 'é' },
    { localId: NodeId(1), clusterLabel: 'x'.repeat(65) },
    { localId: NodeId(1), versions: [3, 2] },
    { localId: NodeId(1), maxQueuedFrames: 0 },
    { localId: NodeId(1), idleTimeoutMs: 1.5 },
  ]) {
    expect(() => new TcpTransport(options as never)).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  }
});
