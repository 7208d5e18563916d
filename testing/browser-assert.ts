/**
 * The part of `node:assert/strict` that README examples use, for running them in a browser
 * page (where `node:` modules do not exist): `assert`, `ok`, `equal`, `notEqual`, `deepEqual`,
 * `notDeepEqual` and `throws`, with the strict semantics (`Object.is`, prototypes compared).
 */

class AssertionError extends Error {
  override name = 'AssertionError';
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `Uint8Array [${[...value].join(', ')}]`;
  try {
    return (
      JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

function deepStrictEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map || a instanceof Set) {
    return deepStrictEqual([...a], [...(b as Map<unknown, unknown> | Set<unknown>)]);
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      deepStrictEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ?? fallback);
}

type ErrorCheck = RegExp | ((error: unknown) => boolean) | (new (...args: never[]) => unknown);

function matches(error: unknown, check: ErrorCheck | undefined): boolean {
  if (check === undefined) return true;
  if (check instanceof RegExp) return check.test(String((error as Error)?.message ?? error));
  if (check.prototype !== undefined && error instanceof (check as new () => unknown)) return true;
  return (check as (error: unknown) => boolean)(error) === true;
}

/** Throws unless `value` is truthy. */
function assert(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

assert.ok = assert;
assert.equal = (actual: unknown, expected: unknown, message?: string): void => {
  if (!Object.is(actual, expected)) fail(message, `${show(actual)} !== ${show(expected)}`);
};
assert.notEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (Object.is(actual, expected)) fail(message, `${show(actual)} === ${show(expected)}`);
};
assert.deepEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (!deepStrictEqual(actual, expected))
    fail(message, `${show(actual)} not deep-equal ${show(expected)}`);
};
assert.notDeepEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (deepStrictEqual(actual, expected))
    fail(message, `${show(actual)} deep-equals ${show(expected)}`);
};
assert.throws = (run: () => unknown, check?: ErrorCheck, message?: string): void => {
  try {
    run();
  } catch (error) {
    if (!matches(error, check)) fail(message, `unexpected error: ${show(String(error))}`);
    return;
  }
  fail(message, 'expected the function to throw');
};

export default assert;
export { AssertionError };
