import type { Message } from '@tala-net/types';

/**
 * A deep copy of `message` for one receiver, sharing nothing mutable with it: plain objects and
 * arrays are new, byte arrays are copied into memory of their own (every empty one becomes one
 * shared empty array: there is nothing to change in it), primitives (bigints, numbers, strings,
 * booleans) are kept, and so are frozen objects made only of data properties holding primitives
 * or empty byte arrays (nothing in them can change: e.g. the member updates a SWIM engine shares). The same contract as `cloneMessage` of `@tala-net/types`, built for the
 * simulator's hot path: an object is copied with a spread, which keeps its shape (the receiver's
 * code sees the object layouts the sender built) and copies its fields in one step, and only its
 * object fields are visited again.
 *
 * @example
 * ```ts
 * const sent = { type: 'Gossip', from: NodeId(1), updates: [] } as const;
 * const received = copyMessage(sent); // equal, not the same object
 * ```
 */
export function copyMessage<M extends Message>(message: M): M {
  return copyValue(message) as M;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return value.length === 0 ? EMPTY_BYTES : new Uint8Array(value);
  if (Array.isArray(value)) {
    // A slice is allocated at its final size and keeps the array's element kind.
    const copy: unknown[] = value.slice();
    for (let i = 0; i < copy.length; i++) {
      const item = copy[i];
      if (typeof item === 'object' && item !== null) copy[i] = copyValue(item);
    }
    return copy;
  }
  if (Object.isFrozen(value) && isImmutable(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  // `for … in` walks the copy's own keys without allocating a list of them (its prototype is
  // `Object.prototype`, which has no enumerable keys).
  for (const key in copy) {
    const field = copy[key];
    if (typeof field === 'object' && field !== null) copy[key] = copyValue(field);
  }
  return copy;
}

const EMPTY_BYTES = new Uint8Array(0);

/** Frozen objects found to be immutable (a frozen object stays as it is: found once is enough). */
const immutables = new WeakSet<object>();

/**
 * `true` for a frozen object whose prototype is `Object.prototype` (or none) and whose own
 * properties are all data properties holding primitives or empty, fixed-length byte arrays.
 */
function isImmutable(value: object): boolean {
  if (immutables.has(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key as keyof typeof descriptors]!;
    if (!('value' in descriptor)) return false;
    const field: unknown = descriptor.value;
    if (typeof field === 'object' && field !== null && !isFixedEmptyBytes(field)) return false;
  }
  immutables.add(value);
  return true;
}

/** An empty `Uint8Array` that cannot grow (not a view that tracks a resizable buffer). */
function isFixedEmptyBytes(value: object): boolean {
  if (!(value instanceof Uint8Array) || value.length !== 0) return false;
  const buffer = value.buffer as ArrayBuffer & { resizable?: boolean; growable?: boolean };
  return buffer.resizable !== true && buffer.growable !== true;
}
