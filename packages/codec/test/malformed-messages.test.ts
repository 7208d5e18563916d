import { TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodedLength, encodeInto, FrameDecoder } from '../src/index.js';
import { message } from './arbitraries.js';

/** Values a hand-built message may hold where something else belongs. */
const badValue = fc.oneof(
  fc.constantFrom(null, undefined, Number.NaN, -1, 1.5, 2 ** 53, '', 'Ping', true, {}, []),
  fc.constantFrom(-1n, 2n ** 64n, Symbol('s'), () => 1, new ArrayBuffer(2), new Uint16Array(2)),
  // A sparse array: holes where elements belong.
  fc
    .nat({ max: 5 })
    .map((n) => new Array<unknown>(n + 1)),
);

/** Every [container, key] reachable from `value`, the root included as [holder, 'root']. */
function slots(value: unknown): [Record<string | number, unknown>, string | number][] {
  const found: [Record<string | number, unknown>, string | number][] = [];
  const visit = (holder: Record<string | number, unknown>, key: string | number): void => {
    found.push([holder, key]);
    const inner = holder[key];
    if (inner instanceof Uint8Array || typeof inner !== 'object' || inner === null) return;
    for (const k of Object.keys(inner)) visit(inner as Record<string, unknown>, k);
  };
  visit({ root: value }, 'root');
  return found;
}

/** `action` either returns or throws a TalaError with code InvalidArgument or MessageTooLarge. */
function onlyTypedErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof TalaError)) throw error;
    expect(['InvalidArgument', 'MessageTooLarge']).toContain(error.code);
  }
}

describe('hand-built malformed arguments', () => {
  it('get InvalidArgument: targets, options and registries that are not what they claim', () => {
    const ping = { type: 'Ping', from: 1n, seq: 1n } as never;
    for (const action of [
      () => encodeInto(ping, null as never),
      () => encodeInto(ping, [0, 0, 0] as never),
      () => encode(ping, null as never),
      () => encode(ping, { registry: {} as never }),
      () => encodedLength(ping, 7 as never),
      () => decode(encode(ping), null as never),
      () => decode(encode(ping), { registry: {} as never }),
      () => new FrameDecoder(null as never),
    ]) {
      const error = (() => {
        try {
          action();
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(TalaError);
      expect((error as TalaError).code).toBe('InvalidArgument');
    }
  });
});

describe('encode of hand-built malformed messages', () => {
  it('throws only TalaErrors, never a TypeError, whatever field is wrong', () => {
    fc.assert(
      fc.property(message, fc.nat(), badValue, (valid, pick, bad) => {
        const copy = structuredClone(valid) as unknown;
        const all = slots(copy);
        const [holder, key] = all[pick % all.length]!;
        holder[key] = bad;
        const broken = (holder === all[0]![0] ? bad : copy) as never;
        onlyTypedErrors(() => encode(broken));
        onlyTypedErrors(() => encodeInto(broken, new Uint8Array(4096)));
        onlyTypedErrors(() => encodedLength(broken));
      }),
      { seed: 0xbad_c0de, numRuns: 3000 },
    );
  });

  it('rejects messages that are not objects or name no registered type', () => {
    for (const bad of [null, undefined, 3, 'Ping', {}, { type: 'Nope' }, { type: 7 }]) {
      onlyTypedErrors(() => encode(bad as never));
      expect(() => encode(bad as never)).toThrow(TalaError);
      expect(() => encodedLength(bad as never)).toThrow(TalaError);
    }
  });
});
