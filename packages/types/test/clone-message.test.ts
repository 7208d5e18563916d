import { describe, expect, it } from 'vitest';
import { cloneMessage, type Message, NodeId, PartitionId } from '../src/index.js';

/** A message kind defined outside this package, as a protocol package would add one. */
interface RecordBatch {
  readonly type: 'RecordBatch';
  readonly from: NodeId;
  readonly records: readonly {
    readonly key: string;
    readonly flags: readonly boolean[];
    readonly body: Uint8Array;
    readonly at: bigint;
  }[];
}

declare module '../src/index.js' {
  interface MessageMap {
    RecordBatch: RecordBatch;
  }
}

const samples: Message[] = [
  { type: 'Ping', from: NodeId(1), seq: 2n },
  { type: 'Pong', from: NodeId(1), seq: 2n },
  { type: 'IntentForward', partition: PartitionId(1), payload: new Uint8Array([1, 2]) },
  { type: 'SegmentSync', partition: PartitionId(1), segmentData: new Uint8Array([3]) },
  { type: 'MembershipUpdate', members: [NodeId(1), NodeId(2)], version: 3n },
  {
    type: 'PartitionTableUpdate',
    assignments: [{ partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2)] }],
    version: 4n,
  },
  {
    type: 'RecordBatch',
    from: NodeId(1),
    records: [{ key: 'a', flags: [true, false], body: new Uint8Array([9]), at: 7n }],
  },
];

/** Mutates every byte array, array and nested object reachable from `value`. */
function scribble(value: unknown): void {
  if (value instanceof Uint8Array) {
    if (value.length > 0) value[0] = 0xee;
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const inner of Object.values(value)) scribble(inner);
  if (Array.isArray(value)) value.push('x');
}

describe('cloneMessage', () => {
  it.each(samples.map((m) => [m.type, m]))('copies %s deeply', (_type, message) => {
    const before = structuredClone(message);
    const copy = cloneMessage(message);
    expect(copy).toEqual(message);
    expect(copy).not.toBe(message);
    scribble(copy);
    expect(message).toEqual(before);
  });
});

describe('cloneMessage of Node Buffer fields', () => {
  it('copies bytes even where Buffer#slice would return a view', () => {
    const payload = Buffer.from([1, 2, 3]);
    const copy = cloneMessage({ type: 'IntentForward', partition: PartitionId(1), payload });
    if (copy.type !== 'IntentForward') throw new Error('type');
    copy.payload[0] = 42;
    expect(payload[0]).toBe(1);
  });
});
