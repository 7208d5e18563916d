import { describe, expect, it } from 'vitest';
import { conformanceHarness, Inbox, ping, seqOf } from './conformance-harness.js';
import type { TransportConformanceOptions } from './conformance-network.js';

/**
 * Registers the address cases of the `Transport` conformance suite: `listen()` reports an
 * address and is idempotent, `dial(address)` resolves with the peer's id and fills the address
 * book, a peer known only by its address-book entry can be sent to (and answers over the same
 * connection), and `dial` refuses an address nobody listens on, an aborted signal and a closed
 * transport with the documented error codes. `@tala-net/transport-conformance/addresses`.
 *
 * @example
 * ```ts
 * addressTests({ setup: (nodes) => myNetwork(nodes) });
 * ```
 */
export function addressTests(options: TransportConformanceOptions): void {
  describe(options.name ?? 'Transport conformance: addresses', () => {
    const { network, eventually } = conformanceHarness(options);

    it('listen resolves with an address, the same on every call, distinct per transport', async () => {
      const { all } = await network();
      const addresses: string[] = [];
      for (const t of all) {
        const address = await t.listen();
        expect(typeof address).toBe('string');
        expect(address.length).toBeGreaterThan(0);
        expect(t.address).toBe(address);
        expect(await t.listen()).toBe(address);
        expect(t.address).toBe(address);
        addresses.push(address);
      }
      expect(new Set(addresses).size).toBe(all.length);
    });

    it('dial resolves with the peer id and records its address in the address book', async () => {
      const { a, b, c } = await network();
      const addressB = await b.listen();
      const addressC = await c.listen();
      expect(await a.dial(addressB)).toBe(b.localId);
      expect(a.addressBook.get(b.localId)).toBe(addressB);
      expect(await a.dial(addressC)).toBe(c.localId);
      expect(a.addressBook.get(c.localId)).toBe(addressC);
      // Dialling again (already connected) gives the same answer.
      expect(await a.dial(addressB)).toBe(b.localId);
    });

    it('sends to a peer known only by its address-book entry; it answers over that connection', async () => {
      const { net, a, b } = await network();
      const addressB = await b.listen();
      a.addressBook.set(b.localId, addressB);
      b.addressBook.delete(a.localId);
      a.send(b.localId, ping(a.localId, 1));
      const atB = new Inbox(b);
      await eventually(net, () => atB.poll() >= 1, 'the message at b');
      expect(atB.messages).toEqual([[a.localId, ping(a.localId, 1)]]);

      b.send(a.localId, ping(b.localId, 2));
      const atA = new Inbox(a);
      await eventually(net, () => atA.poll() >= 1, 'the answer at a');
      expect(atA.messages.map(([from, m]) => [from, seqOf(m)])).toEqual([[b.localId, 2]]);
    });

    it('dial rejects with Unreachable where nobody listens (a closed transport)', async () => {
      const { a, c } = await network();
      const addressC = await c.listen();
      await c.close();
      await expect(a.dial(addressC)).rejects.toMatchObject({ code: 'Unreachable' });
    });

    it('listen and dial reject with Aborted for an aborted signal', async () => {
      const { a, b } = await network();
      const addressB = await b.listen();
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(a.dial(addressB, { signal: controller.signal })).rejects.toMatchObject({
        code: 'Aborted',
      });
      // An aborted listen never leaves the transport half-listening: a later listen works.
      await expect(a.listen(undefined, { signal: controller.signal })).rejects.toMatchObject({
        code: 'Aborted',
      });
      expect(typeof (await a.listen())).toBe('string');
    });

    it('listen and dial reject with Closed once the transport is closed', async () => {
      const { a, b } = await network();
      const addressB = await b.listen();
      await a.close();
      await expect(a.listen()).rejects.toMatchObject({ code: 'Closed' });
      await expect(a.dial(addressB)).rejects.toMatchObject({ code: 'Closed' });
    });
  });
}
