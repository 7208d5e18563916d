import type { Message } from './message.js';

/**
 * A deep copy of `message` that shares no mutable state with it: byte arrays are copied into
 * memory of their own, arrays and plain objects are new, primitives (bigints, numbers, strings,
 * booleans) are kept. Transports that hand one message to several receivers clone it for each.
 *
 * It works for every message kind, including kinds defined by other packages, as long as the
 * message is made of plain objects, arrays, `Uint8Array`s and primitives (what every tala-net
 * message is).
 *
 * @example
 * ```ts
 * const copy = cloneMessage({ type: 'IntentForward', partition: PartitionId(1), payload: new Uint8Array([1]) });
 * ```
 */
export function cloneMessage<M extends Message>(message: M): M {
  return cloneValue(message) as M;
}

function cloneValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return cloneBytes(value);
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneValue(value[i]);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  // `for … in` walks a plain object's own keys without allocating a list of them; messages are
  // plain objects, whose prototype has no enumerable keys.
  for (const key in value) copy[key] = cloneValue((value as Record<string, unknown>)[key]);
  return copy;
}

/**
 * A copy of `bytes` in memory of its own (`slice` would return a view on a Node `Buffer`). An
 * empty array has nothing to change in it: every empty one is copied as one shared empty array,
 * which a membership list of empty addresses would otherwise allocate by the thousand.
 */
function cloneBytes(bytes: Uint8Array): Uint8Array {
  return bytes.length === 0 ? EMPTY_BYTES : new Uint8Array(bytes);
}

const EMPTY_BYTES = new Uint8Array(0);
