import { describe, expect, it } from 'vitest';
import {
  AddressBook,
  NodeId,
  PeerConnectEvent,
  PeerDisconnectEvent,
  TalaError,
} from '../src/index.js';

describe('AddressBook', () => {
  it('maps ids to addresses, replaces and forgets them', () => {
    const book = new AddressBook();
    book.set(NodeId(2), '127.0.0.1:7946');
    book.set(NodeId(3), '10.0.0.3:7946');
    book.set(NodeId(2), '127.0.0.1:7000');
    expect(book.get(NodeId(2))).toBe('127.0.0.1:7000');
    expect(book.has(NodeId(3))).toBe(true);
    expect(book.size).toBe(2);
    expect([...book.entries()]).toEqual([
      [2n, '127.0.0.1:7000'],
      [3n, '10.0.0.3:7946'],
    ]);
    expect(book.delete(NodeId(3))).toBe(true);
    expect(book.delete(NodeId(3))).toBe(false);
    expect(book.get(NodeId(3))).toBeUndefined();
  });

  it('holds at most maxEntries ids, but replacing an existing one still works when full', () => {
    const book = new AddressBook({ maxEntries: 2 });
    book.set(NodeId(1), 'a:1');
    book.set(NodeId(2), 'b:2');
    expect(() => book.set(NodeId(3), 'c:3')).toThrow(TalaError);
    book.set(NodeId(2), 'b:3');
    expect(book.get(NodeId(2))).toBe('b:3');
    expect(book.size).toBe(2);
  });

  it('rejects what is not an id or an address with InvalidArgument', () => {
    const book = new AddressBook({ maxAddressLength: 8 });
    for (const [id, address] of [
      [-1n, 'a:1'],
      [2n ** 64n, 'a:1'],
      [1, 'a:1'],
      [1n, ''],
      [1n, 'x'.repeat(9)],
      [1n, 7],
    ] as const) {
      try {
        book.set(id as never, address as never);
        expect.unreachable(`accepted ${String(id)} → ${String(address)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(TalaError);
        expect((error as TalaError).code).toBe('InvalidArgument');
      }
    }
    expect(book.size).toBe(0);
  });
});

describe('peer events', () => {
  it('carry the peer, the address or the reason', () => {
    const connect = new PeerConnectEvent(NodeId(4), '127.0.0.1:1');
    expect([connect.type, connect.peer, connect.address]).toEqual([
      'peer:connect',
      4n,
      '127.0.0.1:1',
    ]);
    const disconnect = new PeerDisconnectEvent(NodeId(4), 'timeout', 'idle for 30000 ms');
    expect([disconnect.type, disconnect.peer, disconnect.reason, disconnect.detail]).toEqual([
      'peer:disconnect',
      4n,
      'timeout',
      'idle for 30000 ms',
    ]);
    expect(new PeerDisconnectEvent(NodeId(4), 'closed').detail).toBe('');
  });
});
