import { type Message, NodeId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { copyMessage } from '../src/copy-message.js';

const asMessage = (value: object): Message => value as unknown as Message;

describe('copyMessage', () => {
  it('copies objects, arrays and bytes: changing the original afterwards changes nothing', () => {
    const address = new Uint8Array([1, 2]);
    const update = { node: NodeId(2), state: 'Alive', incarnation: 1n, address };
    const sent = { type: 'Gossip', from: NodeId(1), updates: [update] };
    const copy = copyMessage(asMessage(sent)) as unknown as typeof sent;
    address[0] = 9;
    update.incarnation = 7n;
    sent.updates.push(update);
    expect(copy).toEqual({
      type: 'Gossip',
      from: NodeId(1),
      updates: [
        { node: NodeId(2), state: 'Alive', incarnation: 1n, address: new Uint8Array([1, 2]) },
      ],
    });
    expect(copy.updates[0]).not.toBe(update);
  });

  it('shares a frozen object of primitives and empty bytes, and nothing else', () => {
    const frozen = Object.freeze({
      node: NodeId(2),
      state: 'Alive',
      incarnation: 1n,
      address: new Uint8Array(),
    });
    const withBytes = Object.freeze({ node: NodeId(3), address: new Uint8Array([1]) });
    const withObject = Object.freeze({ node: NodeId(4), inner: { x: 1 } });
    const withGetter = Object.freeze({
      get node() {
        return NodeId(5);
      },
    });
    class Update {
      readonly node = NodeId(6);
    }
    const withPrototype = Object.freeze(new Update());
    const growable = Object.freeze({
      address: new Uint8Array(
        new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(0, {
          maxByteLength: 8,
        }),
      ),
    });
    const parts = [frozen, withBytes, withObject, withGetter, withPrototype, growable];
    const copy = copyMessage(
      asMessage({ type: 'Gossip', from: NodeId(1), updates: parts }),
    ) as unknown as {
      updates: object[];
    };
    expect(copy.updates.map((part, i) => part === parts[i])).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    // Twice: the verdict about a frozen object is kept, and stays right.
    const again = copyMessage(
      asMessage({ type: 'Gossip', from: NodeId(1), updates: parts }),
    ) as unknown as {
      updates: object[];
    };
    expect(again.updates.map((part, i) => part === parts[i])).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(copy.updates[1]).toEqual({ node: NodeId(3), address: new Uint8Array([1]) });
  });
});
