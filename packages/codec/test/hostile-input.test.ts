import { type Message, NodeId, PartitionId, type TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { corruption } from '../../../testing/expect-tala-error.js';
import { fromHex } from '../../../testing/vectors.js';
import { decode, encode, FrameDecoder } from '../src/index.js';

/**
 * Runs `action` with the global `Array` constructor replaced by a recording proxy and returns
 * the lengths passed to `new Array(n)` meanwhile: the decoder allocates element arrays with it,
 * so this shows what a count read from the wire made it allocate.
 */
function arrayAllocations(action: () => void): number[] {
  const lengths: number[] = [];
  const original = globalThis.Array;
  globalThis.Array = new Proxy(original, {
    construct(target, args: unknown[], newTarget) {
      if (typeof args[0] === 'number' && args.length === 1) lengths.push(args[0]);
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    action();
  } finally {
    globalThis.Array = original;
  }
  return lengths;
}

const forged: readonly (readonly [string, string, string])[] = [
  [
    'MembershipUpdate members',
    '050c0000000000000000000000ffffffff',
    'MembershipUpdate.members count at byte 13: expected at most 0 entries of ≥8 bytes in the 0 remaining bytes, found 4294967295',
  ],
  [
    'PartitionTableUpdate assignments',
    '060c0000000000000000000000ffffffff',
    'PartitionTableUpdate.assignments count at byte 13: expected at most 0 entries of ≥16 bytes in the 0 remaining bytes, found 4294967295',
  ],
  [
    'PartitionTableUpdate replicas',
    '061c000000000000000000000001000000000000000a00000000000000ffffffff',
    'PartitionTableUpdate.assignments[0].replicas count at byte 29: expected at most 0 entries of ≥8 bytes in the 0 remaining bytes, found 4294967295',
  ],
];

describe('forged counts', () => {
  it('the allocation probe sees the arrays of a valid message (control)', () => {
    const bytes = encode({
      type: 'PartitionTableUpdate',
      version: 1n,
      assignments: [
        { partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2), NodeId(3)] },
        { partitionId: PartitionId(1), owner: NodeId(2), replicas: [] },
      ],
    });
    const lengths = arrayAllocations(() => decode(bytes));
    expect(lengths).toEqual([2, 2, 0]);
  });

  it.each(forged)('%s: rejected before any element array is allocated', (_name, hex, message) => {
    const bytes = fromHex(hex);
    let error: TalaError | undefined;
    const lengths = arrayAllocations(() => {
      error = corruption(() => decode(bytes));
    });
    expect(error?.message).toBe(message);
    // Nothing was sized from the forged count: at most the counts read before it (all small).
    expect(Math.max(0, ...lengths)).toBeLessThanOrEqual(bytes.length);
  });

  it.each(forged)('%s: rejected by the FrameDecoder from header and count alone', (_n, hex) => {
    const bytes = fromHex(hex);
    const decoder = new FrameDecoder();
    // These frames end right after the forged count: everything supplied is header and count.
    const lengths = arrayAllocations(() => {
      corruption(() => decoder.push(bytes));
    });
    expect(Math.max(0, ...lengths)).toBeLessThanOrEqual(bytes.length);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('bounds a count by the bytes of the payload, not by the frame limit', () => {
    // 2 members declared, room for 1: rejected at the count, before reading any member.
    const error = corruption(() =>
      decode(fromHex('05140000000000000000000000020000000100000000000000')),
    );
    expect(error.message).toContain('at most 1 entries of ≥8 bytes in the 8 remaining bytes');
  });
});

describe('error messages name kind, field, offset, expectation and finding', () => {
  const cases: readonly (readonly [
    string,
    Message | string,
    (bytes: Uint8Array) => void,
    string,
  ])[] = [
    [
      'an IntentForward without its partition',
      '030200000001020000',
      () => {},
      'IntentForward frame at byte 5: expected 2 payload bytes, found 4',
    ],
    [
      'a short IntentForward',
      '03020000000102',
      () => {},
      'IntentForward.partition at byte 5: expected at least 4 bytes, found 2',
    ],
  ];

  it.each(cases)('%s', (_name, source, mutate, expected) => {
    const bytes = typeof source === 'string' ? fromHex(source) : encode(source).slice();
    mutate(bytes);
    expect(corruption(() => decode(bytes)).message).toBe(expected);
  });

  it('names trailing bytes after the last element', () => {
    const bytes = encode({
      type: 'PartitionTableUpdate',
      version: 1n,
      assignments: [{ partitionId: PartitionId(0), owner: NodeId(1), replicas: [] }],
    });
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    longer[1] = bytes[1]! + 3;
    expect(corruption(() => decode(longer)).message).toBe(
      'PartitionTableUpdate payload end at byte 33: expected no trailing bytes, found 3',
    );
  });
});
