import { decode, encode } from '@tala-net/codec';
import { NodeId, PartitionId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruption, invalidArgument } from '../../../testing/expect-tala-error.js';
import { type ClusterTable, type IntentSubmit, registerClusterMessages } from '../src/index.js';

registerClusterMessages();

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const table: ClusterTable = {
  type: 'ClusterTable',
  epoch: 3n,
  coordinator: NodeId(1),
  partitions: 2,
  members: [NodeId(1), NodeId(2)],
  fresh: [PartitionId(1)],
  assignments: [
    { partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2)] },
    { partitionId: PartitionId(1), owner: NodeId(2), replicas: [] },
  ],
};

/** Known answers: each message and its frame, written out field by field. */
const vectors: [string, Parameters<typeof encode>[0], string][] = [
  [
    'ClusterTable',
    table,
    `50 5c000000 0300000000000000 0100000000000000 02000000
     02000000 0100000000000000 0200000000000000
     01000000 01000000
     02000000 00000000 0100000000000000 01000000 0200000000000000
              01000000 0200000000000000 00000000`,
  ],
  [
    'TablePull',
    { type: 'TablePull', epoch: 5n, coordinator: NodeId(2), zone: 'eu' },
    '51 13000000 0500000000000000 0200000000000000 02 6575',
  ],
  [
    'IntentSubmit',
    {
      type: 'IntentSubmit',
      id: hex('000102030405060708090a0b0c0d0e0f'),
      partition: PartitionId(9),
      epoch: 4n,
      hops: 1,
      payload: hex('aabb'),
    },
    '52 1f000000 000102030405060708090a0b0c0d0e0f 09000000 0400000000000000 01 aabb',
  ],
  [
    'IntentReceipt',
    { type: 'IntentReceipt', partition: PartitionId(7), owner: NodeId(42), duplicate: true },
    '53 0d000000 07000000 2a00000000000000 01',
  ],
  [
    'SegmentAck',
    { type: 'SegmentAck', partition: PartitionId(1), start: 16n, end: 48n, synced: true },
    '54 15000000 01000000 1000000000000000 3000000000000000 01',
  ],
  [
    'SegmentFetch',
    { type: 'SegmentFetch', partition: PartitionId(3), offset: 0x0102030405060708n },
    '55 0c000000 03000000 0807060504030201',
  ],
  [
    'IntentOutcomeQuery',
    {
      type: 'IntentOutcomeQuery',
      partition: PartitionId(5),
      id: hex('000102030405060708090a0b0c0d0e0f'),
      epoch: 9n,
    },
    '56 1c000000 05000000 000102030405060708090a0b0c0d0e0f 0900000000000000',
  ],
  [
    'IntentOutcome',
    { type: 'IntentOutcome', partition: PartitionId(5), outcome: 'released' },
    '57 05000000 05000000 02',
  ],
];

describe('cluster messages (0x50–0x57)', () => {
  it.each(vectors)('%s encodes to its known frame and decodes back', (_, message, frame) => {
    expect(toHex(encode(message))).toBe(toHex(hex(frame)));
    expect(decode(hex(frame))).toEqual(message);
  });

  it('rejects trailing bytes, short payloads and bad flags with SegmentCorrupted', () => {
    corruption(() => decode(hex('53 0e000000 07000000 2a00000000000000 01 00')));
    corruption(() => decode(hex('53 0c000000 07000000 2a00000000000000')));
    corruption(() => decode(hex('53 0d000000 07000000 2a00000000000000 02')));
    corruption(() => decode(hex('54 15000000 01000000 1000000000000000 3000000000000000 07')));
    corruption(() => decode(hex('55 0b000000 03000000 08070605040302')));
    expect(corruption(() => decode(hex('57 05000000 05000000 03'))).message).toContain(
      'IntentOutcome.outcome',
    );
    corruption(() =>
      decode(hex('56 1b000000 05000000 000102030405060708090a0b0c0d0e0f 09000000000000')),
    );
    corruption(() => decode(hex('51 12000000 0500000000000000 0200000000000000 02 65')));
    corruption(() => decode(hex('51 13000000 0500000000000000 0200000000000000 02 ff fe')));
    corruption(() =>
      decode(hex('52 1c000000 000102030405060708090a0b0c0d0e0f 09000000 0400000000000000')),
    );
  });

  it('checks counts against the bytes present before allocating', () => {
    // A 25-byte ClusterTable frame that claims 2^32 − 1 members.
    const claim = hex('50 18000000 0300000000000000 0100000000000000 02000000 ffffffff');
    const error = corruption(() => decode(claim));
    expect(error.message).toContain('members count');
    corruption(() =>
      decode(
        hex('50 20000000 0300000000000000 0100000000000000 02000000 00000000 00000000 ffffffff'),
      ),
    );
  });

  it('refuses to encode what the layout cannot hold', () => {
    invalidArgument(() => encode({ ...(vectors[2]![1] as IntentSubmit), id: new Uint8Array(15) }));
    invalidArgument(() => encode({ ...(vectors[2]![1] as IntentSubmit), hops: 256 }));
    invalidArgument(() =>
      encode({ type: 'IntentOutcome', partition: PartitionId(1), outcome: 'lost' as 'unknown' }),
    );
    invalidArgument(() =>
      encode({
        type: 'IntentOutcomeQuery',
        partition: PartitionId(1),
        id: new Uint8Array(3),
        epoch: 1n,
      }),
    );
    invalidArgument(() =>
      encode({ type: 'TablePull', epoch: 1n, coordinator: NodeId(1), zone: 'z'.repeat(256) }),
    );
    invalidArgument(() =>
      encode({
        ...table,
        assignments: [
          { partitionId: PartitionId(0), owner: NodeId(1), replicas: Array(256).fill(NodeId(2)) },
        ],
      }),
    );
  });

  it('round-trips any ClusterTable and IntentSubmit', () => {
    const ids = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }).map((n) => NodeId(n));
    const tables = fc.record({
      type: fc.constant('ClusterTable' as const),
      epoch: fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
      coordinator: ids,
      partitions: fc.nat({ max: 1 << 20 }),
      members: fc.array(ids, { maxLength: 8 }),
      fresh: fc.array(
        fc.nat({ max: 1000 }).map((n) => PartitionId(n)),
        { maxLength: 8 },
      ),
      assignments: fc.array(
        fc.record({
          partitionId: fc.nat({ max: 1000 }).map((n) => PartitionId(n)),
          owner: ids,
          replicas: fc.array(ids, { maxLength: 4 }),
        }),
        { maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(tables, (message) => {
        expect(decode(encode(message))).toEqual(message);
      }),
      { numRuns: 200 },
    );
    const submits = fc.record({
      type: fc.constant('IntentSubmit' as const),
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      partition: fc.nat({ max: 0xffff_ffff }).map((n) => PartitionId(n)),
      epoch: fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
      hops: fc.nat({ max: 255 }),
      payload: fc.uint8Array({ maxLength: 64 }),
    });
    fc.assert(
      fc.property(submits, (message) => {
        expect(decode(encode(message))).toEqual(message);
      }),
      { numRuns: 200 },
    );
  });
});
