import { NodeId, PartitionId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPartitionTableUpdate,
  assignPartitions,
  fromPartitionTableUpdate,
  PartitionTable,
  rebalance,
  toPartitionTableUpdate,
} from '../src/index.js';

/*
 * Hand-built malformed values: every public function that takes objects from a caller (or from
 * the network) answers them with a `TalaError` of code `InvalidArgument` or
 * `InvalidPartitionTable`, never a `TypeError` or a `RangeError`. Each case starts from valid
 * arguments and applies 1 … 3 mutations anywhere inside them: a field set to a value of the
 * wrong type or range, a field deleted, an array element turned into a hole.
 */

type Path = readonly (string | number)[];

/** Fresh junk values (functions, so that no run shares an object with another). */
const junkMakers: (() => unknown)[] = [
  () => null,
  () => undefined,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -1,
  () => -0,
  () => 1.5,
  () => 2 ** 32,
  () => 2 ** 53,
  () => '',
  () => '3',
  () => true,
  () => -1n,
  () => 2n ** 64n,
  () => 3n,
  () => [],
  () => ({}),
  () => Object.create(null),
  () => () => 1,
  () => Symbol('junk'),
  () => new Map([[1n, 'a']]),
  // biome-ignore lint/suspicious/noSparseArray: a hole is the point
  () => [, 1n],
  () => ({ partitionId: 0, owner: 1n, replicas: null }),
  () => ({ toString: () => 'x', valueOf: () => 1 }),
];
const junk = fc.constantFrom(...junkMakers).map((make) => make());
const badValue = fc.oneof(
  junk,
  fc.integer({ min: -2, max: 9 }),
  fc.bigInt({ min: -2n, max: 9n }),
  fc.string({ maxLength: 3 }),
  fc.array(junk, { maxLength: 3 }),
  fc.sparseArray(fc.oneof(junk, fc.bigInt({ min: 0n, max: 9n })), { maxLength: 4 }),
);
const mutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('set', 'set', 'delete'),
  value: badValue,
});
const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });
type Mutation = { readonly pick: number; readonly kind: string; readonly value: unknown };

/** Every path to a value below `root`, descending into plain arrays and plain objects only. */
function pathsIn(root: unknown, prefix: Path = []): Path[] {
  const found: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(root)) {
    root.forEach((value, i) => {
      found.push(...pathsIn(value, [...prefix, i]));
    });
  } else if (
    typeof root === 'object' &&
    root !== null &&
    Object.getPrototypeOf(root) === Object.prototype
  ) {
    for (const [key, value] of Object.entries(root))
      found.push(...pathsIn(value, [...prefix, key]));
  }
  return found;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

/** `args` (built fresh) with the mutations applied, each at a path chosen among the current ones. */
function mutated(args: unknown[], changes: readonly Mutation[]): unknown[] {
  for (const change of changes) {
    const paths = pathsIn(args);
    if (paths.length === 0) break;
    const path = paths[change.pick % paths.length]!;
    const parent = parentOf(args, path);
    const key = path[path.length - 1]!;
    if (change.kind === 'delete') delete parent[key];
    else parent[key] = change.value;
  }
  return args;
}

function expectTypedRejection(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof TalaError)) throw error;
    expect(['InvalidArgument', 'InvalidPartitionTable']).toContain(error.code);
  }
}

const assignment = (partitionId: number, owner: number, replicas: number[]) => ({
  partitionId: PartitionId(partitionId),
  owner: NodeId(owner),
  replicas: replicas.map(NodeId),
});
const current = new PartitionTable({
  version: 3n,
  assignments: [assignment(0, 1, [2]), assignment(1, 2, [3]), assignment(2, 3, [1])],
  numPartitions: 3,
});
const updateMessage = () => ({
  type: 'PartitionTableUpdate',
  version: 4n,
  assignments: [assignment(0, 2, [1]), assignment(1, 3, [2]), assignment(2, 1, [3])],
});

const cases: [name: string, args: () => unknown[], call: (args: unknown[]) => unknown][] = [
  [
    'applyPartitionTableUpdate',
    () => [current, updateMessage(), { numPartitions: 3, allowPartial: false }],
    (args) => Reflect.apply(applyPartitionTableUpdate, undefined, args),
  ],
  [
    'fromPartitionTableUpdate',
    () => [updateMessage(), { numPartitions: 3, allowPartial: true }],
    (args) => Reflect.apply(fromPartitionTableUpdate, undefined, args),
  ],
  [
    'new PartitionTable',
    () => [{ version: 1n, assignments: updateMessage().assignments, numPartitions: 3 }],
    (args) => Reflect.construct(PartitionTable, args),
  ],
  [
    'toPartitionTableUpdate',
    () => [current],
    (args) => Reflect.apply(toPartitionTableUpdate, undefined, args),
  ],
  [
    'assignPartitions',
    () => [
      {
        nodes: [NodeId(1), NodeId(2), NodeId(3)],
        numPartitions: 6,
        replicationFactor: 2,
        version: 1n,
      },
    ],
    (args) => Reflect.apply(assignPartitions, undefined, args),
  ],
  [
    'assignPartitions with zones',
    () => [
      {
        nodes: [NodeId(1), NodeId(2), NodeId(3)],
        numPartitions: 6,
        replicationFactor: 2,
        zones: new Map([
          [NodeId(1), 'a'],
          [NodeId(2), 'b'],
          [NodeId(3), 'c'],
        ]),
      },
    ],
    (args) => Reflect.apply(assignPartitions, undefined, args),
  ],
  [
    'rebalance',
    () => [current, { nodes: [NodeId(1), NodeId(3), NodeId(4)], replicationFactor: 2 }],
    (args) => Reflect.apply(rebalance, undefined, args),
  ],
];

describe('malformed values', () => {
  it.each(cases.map((c, i) => [c[0], i] as const))(
    '%s answers them with a TalaError',
    (_name, index) => {
      const [, args, call] = cases[index]!;
      // The unmutated arguments are valid.
      expect(() => call(args())).not.toThrow();
      fc.assert(
        fc.property(mutations, (changes) => {
          expectTypedRejection(() => call(mutated(args(), changes)));
        }),
        { numRuns: 400, seed: 0x5a11_0100 + index },
      );
    },
  );

  it('answers an undefined message, a null assignment, a hole and null replicas with InvalidArgument', () => {
    const message = updateMessage();
    const withNull = { ...message, assignments: [null, ...message.assignments.slice(1)] };
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point
    const withHole = { ...message, assignments: [, ...message.assignments.slice(1)] };
    const nullReplicas = {
      ...message,
      assignments: [
        { ...message.assignments[0]!, replicas: null },
        ...message.assignments.slice(1),
      ],
    };
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point
    const sparseReplicas = [, NodeId(1)];
    const holeReplicas = {
      ...message,
      assignments: [
        { ...message.assignments[0]!, replicas: sparseReplicas },
        ...message.assignments.slice(1),
      ],
    };
    for (const bad of [undefined, null, withNull, withHole, nullReplicas, holeReplicas]) {
      let caught: unknown;
      try {
        Reflect.apply(applyPartitionTableUpdate, undefined, [current, bad]);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TalaError);
      expect((caught as TalaError).code).toBe('InvalidArgument');
    }
  });
});
