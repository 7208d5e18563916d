import { MemberState, NodeId } from '@tala-net/types';
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
