import { MemberState, NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MembershipList } from '../src/index.js';

describe('MembershipList (reference behaviour)', () => {
  it('follows the lifecycle of the reference example', () => {
    const list = new MembershipList();
    expect(list.aliveMembers()).toEqual([]);
    expect(list.version).toBe(0n);

    list.addMember(NodeId(1));
    list.addMember(NodeId(2));
    list.addMember(NodeId(3));
    expect(list.aliveMembers()).toHaveLength(3);
    expect(list.version).toBe(3n);

    list.markSuspect(NodeId(2));
    expect(list.version).toBe(4n);
    expect(list.aliveMembers()).toEqual([NodeId(1), NodeId(3)]);

    list.markDead(NodeId(2));
    expect(list.version).toBe(5n);
    expect(list.aliveMembers()).toEqual([NodeId(1), NodeId(3)]);
    expect(list.stateOf(NodeId(2))).toBe(MemberState.Dead);

    list.addMember(NodeId(2));
    expect(list.version).toBe(6n);
    expect(list.aliveMembers()).toEqual([NodeId(1), NodeId(2), NodeId(3)]);
    expect(list.members).toEqual([
      [NodeId(1), 'Alive'],
      [NodeId(2), 'Alive'],
      [NodeId(3), 'Alive'],
    ]);
  });

  it('does nothing for unknown nodes', () => {
    const list = new MembershipList();
    list.addMember(NodeId(1));
    const version = list.version;
    list.markSuspect(NodeId(99));
    list.markDead(NodeId(99));
    expect(list.version).toBe(version);
    expect(list.members).toEqual([[NodeId(1), 'Alive']]);
    expect(list.stateOf(NodeId(99))).toBeUndefined();
  });

  it('bumps the version when re-adding an alive member', () => {
    const list = new MembershipList();
    list.addMember(NodeId(1));
    list.addMember(NodeId(1));
    expect(list.version).toBe(2n);
    expect(list.members).toHaveLength(1);
  });

  it('removes a forgotten member and bumps the version', () => {
    const list = new MembershipList();
    list.addMember(NodeId(1));
    list.addMember(NodeId(2));
    list.addMember(NodeId(3));
    expect(list.removeMember(NodeId(2))).toBe(true);
    expect(list.version).toBe(4n);
    expect(list.members).toEqual([
      [NodeId(1), 'Alive'],
      [NodeId(3), 'Alive'],
    ]);
    list.markDead(NodeId(3));
    expect(list.stateOf(NodeId(3))).toBe('Dead');
    expect(list.removeMember(NodeId(2))).toBe(false);
    expect(list.version).toBe(5n);
  });
});

/** The reference's semantics written the plain way: an array in insertion order. */
class ArrayModel {
  entries: Array<[NodeId, MemberState]> = [];
  version = 0n;

  add(node: NodeId): void {
    const entry = this.entries.find(([id]) => id === node);
    if (entry === undefined) this.entries.push([node, MemberState.Alive]);
    else entry[1] = MemberState.Alive;
    this.version++;
  }

  mark(node: NodeId, state: MemberState): void {
    const entry = this.entries.find(([id]) => id === node);
    if (entry === undefined) return;
    entry[1] = state;
    this.version++;
  }

  remove(node: NodeId): boolean {
    const index = this.entries.findIndex(([id]) => id === node);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    this.version++;
    return true;
  }
}

describe('MembershipList (order and versions under any sequence of changes)', () => {
  it('matches an insertion-ordered array, removals included', () => {
    const change = fc.record({
      op: fc.constantFrom('add', 'suspect', 'dead', 'remove'),
      node: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 120 }), (changes) => {
        const list = new MembershipList();
        const model = new ArrayModel();
        for (const { op, node: id } of changes) {
          const node = NodeId(id);
          if (op === 'add') {
            list.addMember(node);
            model.add(node);
          } else if (op === 'suspect') {
            list.markSuspect(node);
            model.mark(node, MemberState.Suspect);
          } else if (op === 'dead') {
            list.markDead(node);
            model.mark(node, MemberState.Dead);
          } else {
            expect(list.removeMember(node)).toBe(model.remove(node));
          }
          expect(list.members).toEqual(model.entries);
          expect(list.version).toBe(model.version);
          expect(list.size).toBe(model.entries.length);
          expect(list.stateOf(node)).toBe(model.entries.find(([n]) => n === node)?.[1]);
        }
        expect(list.aliveMembers()).toEqual(
          model.entries.filter(([, state]) => state === MemberState.Alive).map(([n]) => n),
        );
      }),
      { seed: 0x5eed_0012, numRuns: 300 },
    );
  });
});
