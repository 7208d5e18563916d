import { describe, expect, it } from 'vitest';
import { DemoLedger, holderSetsChanged, ownersMoved } from '../src/demo-ledger.js';
import type { TableLine } from '../src/node-protocol.js';

const table = (epoch: string, coordinator: string, holders: string[][]): TableLine => ({
  type: 'table',
  epoch,
  coordinator,
  holders,
});

const before = table('1', '1', [
  ['1', '2'],
  ['2', '3'],
  ['3', '1'],
]);
const after = table('2', '1', [
  ['1', '2'],
  ['2', '1'],
  ['1', '2'],
]);
const intent = (n: number) => n.toString(16).padStart(32, '0');

describe('DemoLedger', () => {
  it('counts acknowledged intents delivered once, twice and never, from what the nodes reported', () => {
    const ledger = new DemoLedger();
    for (const node of ['1', '2', '3']) ledger.record(node, before, 0);
    ledger.record('1', { type: 'delivered', intent: intent(1), partition: 0, table: '1/1' }, 1);
    ledger.record('2', { type: 'acked', intent: intent(1), owner: '1', duplicate: false }, 2);
    // Delivered by the old owner, and again by the new one after the table changed.
    ledger.record('3', { type: 'delivered', intent: intent(2), partition: 2, table: '1/1' }, 3);
    ledger.record('1', after, 4);
    ledger.record('1', { type: 'delivered', intent: intent(2), partition: 2, table: '2/1' }, 5);
    ledger.record('2', { type: 'acked', intent: intent(2), owner: '1', duplicate: false }, 6);
    // Acknowledged, never reported delivered, once answered as a duplicate.
    ledger.record('2', { type: 'acked', intent: intent(3), owner: '3', duplicate: false }, 7);
    ledger.record('2', { type: 'acked', intent: intent(6), owner: '1', duplicate: true }, 7);
    // Delivered by node 2, which owns partition 2 in neither table: a misroute.
    ledger.record('2', { type: 'delivered', intent: intent(4), partition: 2, table: '2/1' }, 8);
    // A table nobody reported.
    ledger.record('2', { type: 'delivered', intent: intent(5), partition: 1, table: '9/1' }, 9);
    // In doubt: one delivered by the killed owner, one never; other failures are not counted.
    ledger.record('3', { type: 'delivered', intent: intent(7), partition: 2, table: '1/1' }, 10);
    for (const n of [7, 8]) {
      ledger.record(
        '2',
        { type: 'failed', intent: intent(n), code: 'IntentInDoubt', message: '' },
        11,
      );
    }
    ledger.record('2', { type: 'failed', intent: intent(9), code: 'Closed', message: '' }, 11);
    expect(ledger.acknowledged).toBe(4);
    expect(ledger.audit()).toEqual({
      deliveredOnce: 1,
      duplicated: 1,
      lost: 2,
      inDoubt: 2,
      inDoubtDelivered: 1,
      deliveredTwice: 1,
      misroutes: 1,
      unknownTable: 1,
    });
  });

  it('times membership changes and table adoptions from a moment on, per observer', () => {
    const ledger = new DemoLedger();
    ledger.record('1', { type: 'member', change: 'suspected', node: '3' }, 5);
    ledger.record('1', { type: 'member', change: 'dead', node: '3' }, 90);
    ledger.record('2', { type: 'member', change: 'dead', node: '3' }, 120);
    ledger.record('2', { type: 'member', change: 'dead', node: '3' }, 150);
    ledger.record('2', { type: 'member', change: 'dead', node: '1' }, 160);
    ledger.record('1', { type: 'member', change: 'suspected', node: '3' }, 200);
    expect(ledger.memberChangeTimes('3', ['dead'], ['1', '2'], 10)).toEqual(
      new Map([
        ['1', 90],
        ['2', 120],
      ]),
    );
    expect(ledger.memberChangeTimes('3', ['suspected'], ['1', '2'], 10)).toEqual(
      new Map([['1', 200]]),
    );
    ledger.record('1', before, 0);
    ledger.record('1', after, 130);
    ledger.record('2', after, 170);
    expect(ledger.tableAdoptionTimes(['1', '2'], ['1', '2'], 100)).toEqual(
      new Map([
        ['1', 130],
        ['2', 170],
      ]),
    );
    expect(ledger.tableAdoptionTimes(['1', '2', '3'], ['1', '2'], 100).size).toBe(0);
    expect(ledger.latestTable('1')).toBe(after);
    expect(ledger.latestTable('3')).toBeUndefined();
  });

  it('counts partitions whose owner moved and whose holders changed', () => {
    expect(ownersMoved(before, after)).toBe(1);
    expect(holderSetsChanged(before, after)).toBe(2);
    expect(ownersMoved(before, before)).toBe(0);
    expect(holderSetsChanged(after, after)).toBe(0);
  });
});
