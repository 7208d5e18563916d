import {
  AddressBook,
  NodeId,
  type PeerConnectEvent,
  type PeerDisconnectEvent,
  TalaError,
} from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  collect,
  largeFramesDamaged,
  listening,
  nextEvent,
  ping,
  seqOf,
  transport,
} from './support.js';

describe('TcpTransport: addresses and dialling', () => {
  it('listens on port 0, reports the port it got, and listen is idempotent', async () => {
    const a = transport({ localId: NodeId(1) });
    expect(a.address).toBeUndefined();
    const address = await a.listen('127.0.0.1:0');
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(Number(address.split(':')[1])).toBeGreaterThan(0);
    expect(await a.listen('127.0.0.1:0')).toBe(address);
    expect(a.address).toBe(address);
  });

  it('dial resolves with the peer id from the handshake; both sides learn each other', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    const connectedAtB = nextEvent<PeerConnectEvent>(b, 'peer:connect');
    const connectedAtA = nextEvent<PeerConnectEvent>(a, 'peer:connect');
    expect(await a.dial(b.address!)).toBe(2n);
    expect((await connectedAtA).peer).toBe(2n);
    expect((await connectedAtA).address).toBe(b.address);
    const atB = await connectedAtB;
    expect(atB.peer).toBe(1n);
    expect(atB.address).toBe(a.address);
    // The dialler records the dialled address; the acceptor the address the dialler listens on.
    expect(a.addressBook.get(NodeId(2))).toBe(b.address);
    expect(b.addressBook.get(NodeId(1))).toBe(a.address);
    expect(a.connectedPeers()).toEqual([2n]);
    expect(b.connectedPeers()).toEqual([1n]);
    // Dialling a connected peer's address again reuses the connection.
    expect(await a.dial(b.address!)).toBe(2n);
    expect(a.stats.connections).toBe(1);
  });

  it('advertiseAddress is the address the acceptor learns, and must be a host:port', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2), advertiseAddress: '127.0.0.1:4999' });
    const connectedAtA = nextEvent<PeerConnectEvent>(a, 'peer:connect');
    await b.dial(a.address!);
    expect((await connectedAtA).address).toBe('127.0.0.1:4999');
    expect(a.addressBook.get(NodeId(2))).toBe('127.0.0.1:4999');
    for (const advertiseAddress of ['no-port', '', `${'h'.repeat(600)}:1`]) {
      expect(() => transport({ localId: NodeId(3), advertiseAddress })).toThrow(
        expect.objectContaining({ code: 'InvalidArgument' }),
      );
    }
  });

  it('a node that does not listen advertises no address: the acceptor learns none', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = transport({ localId: NodeId(2) });
    await b.dial(a.address!);
    expect(a.connectedPeers()).toEqual([2n]);
    expect(a.addressBook.get(NodeId(2))).toBeUndefined();
  });

  it('send to a peer known only by its address book entry dials it', async () => {
    const book = new AddressBook();
    const a = transport({ localId: NodeId(1), addressBook: book });
    const b = await listening({ localId: NodeId(2) });
    book.set(NodeId(2), b.address!);
    const got = collect(b, 3);
    for (let i = 0; i < 3; i++) a.send(NodeId(2), ping(NodeId(1), i));
    expect((await got).map(([from, m]) => [from, seqOf(m)])).toEqual([
      [1n, 0],
      [1n, 1],
      [1n, 2],
    ]);
  });

  it('rejects dialling a malformed address or a port nobody listens on', async () => {
    const a = transport({ localId: NodeId(1), dialTimeoutMs: 10_000 });
    await expect(a.dial('no-port')).rejects.toMatchObject({ code: 'InvalidArgument' });
    const b = await listening({ localId: NodeId(2) });
    const address = b.address!;
    await b.close();
    const error = await a.dial(address).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe('Unreachable');
  });

  it('drops and counts a send to a peer it has no address for', async () => {
    const a = transport({ localId: NodeId(1) });
    a.send(NodeId(9), ping(NodeId(1), 1));
    a.send(NodeId(1), ping(NodeId(1), 2));
    expect(a.stats.dropped.unknown).toBe(2);
    expect(a.buffered(NodeId(9))).toEqual({ frames: 0, bytes: 0 });
  });
});

describe('TcpTransport: messages', () => {
  it('keeps FIFO per pair over a burst, in both directions at once', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    await a.dial(b.address!);
    const atB = collect(b, 20_000);
    const atA = collect(a, 20_000);
    // A producer that respects backpressure: it waits for each peer's queue to drain.
    for (let i = 0; i < 20_000; i++) {
      a.send(NodeId(2), ping(NodeId(1), i));
      b.send(NodeId(1), ping(NodeId(2), i));
      if (i % 2_000 === 1_999) await Promise.all([a.drained(NodeId(2)), b.drained(NodeId(1))]);
    }
    const expected = Array.from({ length: 20_000 }, (_, i) => i);
    expect((await atB).map(([, m]) => seqOf(m))).toEqual(expected);
    expect((await atA).map(([, m]) => seqOf(m))).toEqual(expected);
    expect(a.stats.framesOut).toBeGreaterThanOrEqual(20_000);
    expect(a.stats.dropped.total + b.stats.dropped.total).toBe(0);
    expect(b.peerStats(NodeId(1))!.framesIn).toBeGreaterThanOrEqual(20_000);
  });

  it('queues for recv() while nobody listens, then hands the queue to the first listener in order', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    await a.dial(b.address!);
    a.send(NodeId(2), ping(NodeId(1), 0));
    a.send(NodeId(2), ping(NodeId(1), 1));
    a.send(NodeId(2), ping(NodeId(1), 2));
    // A marker message tells when the first three have arrived at b (FIFO).
    await a.drained(NodeId(2));
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        const entry = b.recv();
        if (entry !== undefined) seen.push(seqOf(entry[1]));
        if (seen.length === 1) resolve();
        else setImmediate(poll);
      };
      poll();
    });
    const rest = collect(b, 3);
    a.send(NodeId(2), ping(NodeId(1), 3));
    expect([...seen, ...(await rest).map(([, m]) => seqOf(m))]).toEqual([0, 1, 2, 3]);
  });

  it('broadcasts to every connected peer and every address book entry, not to itself', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    const c = await listening({ localId: NodeId(3) });
    await a.dial(b.address!);
    a.addressBook.set(NodeId(3), c.address!);
    a.addressBook.set(NodeId(1), a.address!);
    const atB = collect(b, 1);
    const atC = collect(c, 1);
    a.broadcast(ping(NodeId(1), 7));
    expect((await atB)[0]![0]).toBe(1n);
    expect(seqOf((await atC)[0]![1])).toBe(7);
    expect(a.stats.dropped.total).toBe(0);
  });

  it('carries a 1 MiB SegmentSync and a frame near maxFrameBytes intact', async () => {
    const maxFrameBytes = 4 * 1024 * 1024;
    const a = await listening({ localId: NodeId(1), maxFrameBytes });
    const b = await listening({ localId: NodeId(2), maxFrameBytes });
    await a.dial(b.address!);
    const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const near = new Uint8Array(maxFrameBytes - 8 - 8 - 4 - 16).map((_, i) => (i * 7) & 0xff);
    const got = collect(b, 2);
    a.send(NodeId(2), {
      type: 'SegmentSync',
      partition: 1 as never,
      version: 1n,
      segmentData: data,
    } as never);
    a.send(NodeId(2), {
      type: 'SegmentSync',
      partition: 2 as never,
      version: 2n,
      segmentData: near,
    } as never);
    const [[, first], [, second]] = (await got) as never as [
      [unknown, { segmentData: Uint8Array }],
      [unknown, { segmentData: Uint8Array }],
    ];
    expect(Buffer.from(first.segmentData).equals(Buffer.from(data))).toBe(true);
    expect(Buffer.from(second.segmentData).equals(Buffer.from(near))).toBe(true);
  });
});

describe('TcpTransport: large frames', () => {
  it('carries large frames intact whether their writes wait in the socket or reuse memory', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    await a.dial(b.address!);
    expect(await largeFramesDamaged(a, b)).toEqual([]);
  });
});

describe('TcpTransport: lifecycle', () => {
  it('close flushes what was sent before it, tells the peer, and is idempotent', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    await a.dial(b.address!);
    const got = collect(b, 1000);
    const gone = nextEvent<PeerDisconnectEvent>(b, 'peer:disconnect');
    const closedAtA = nextEvent(a, 'close');
    const ownDisconnect = nextEvent<PeerDisconnectEvent>(a, 'peer:disconnect');
    for (let i = 0; i < 1000; i++) a.send(NodeId(2), ping(NodeId(1), i));
    const first = a.close();
    const second = a.close();
    expect(a.closed).toBe(true);
    await Promise.all([first, second]);
    await closedAtA;
    expect((await ownDisconnect).reason).toBe('closed');
    expect((await got).length).toBe(1000);
    const disconnect = await gone;
    expect([disconnect.peer, disconnect.reason]).toEqual([1n, 'remote-closed']);
    a.send(NodeId(2), ping(NodeId(1), 1));
    expect(a.stats.dropped.closed).toBe(1);
    await expect(a.dial(b.address!)).rejects.toMatchObject({ code: 'Closed' });
    await expect(a.listen()).rejects.toMatchObject({ code: 'Closed' });
  });

  it('close waits for a dial in progress and flushes what was queued for that peer', async () => {
    const a = await listening({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    a.addressBook.set(NodeId(2), b.address!);
    const got = collect(b, 3);
    for (let i = 0; i < 3; i++) a.send(NodeId(2), ping(NodeId(1), i));
    await a.close();
    expect((await got).map(([, m]) => seqOf(m))).toEqual([0, 1, 2]);
    expect(a.stats.dropped.total).toBe(0);
  });

  it('an aborted close drops what is queued at once and counts it', async () => {
    const a = await listening({ localId: NodeId(1) });
    a.addressBook.set(NodeId(2), '127.0.0.1:1');
    for (let i = 0; i < 10; i++) a.send(NodeId(2), ping(NodeId(1), i));
    const controller = new AbortController();
    controller.abort();
    await a.close({ signal: controller.signal });
    expect(a.stats.dropped.closed).toBe(10);
    expect(a.buffered(NodeId(2))).toEqual({ frames: 0, bytes: 0 });
  });

  it('an aborted dial rejects with Aborted', async () => {
    const a = transport({ localId: NodeId(1) });
    const b = await listening({ localId: NodeId(2) });
    const controller = new AbortController();
    controller.abort();
    await expect(a.dial(b.address!, { signal: controller.signal })).rejects.toMatchObject({
      code: 'Aborted',
    });
  });
});
