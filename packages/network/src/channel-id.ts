import { TalaError } from '@tala-net/types';

/** Longest channel name, in characters. */
export const MAX_CHANNEL_NAME_LENGTH = 64;

/**
 * The compact id of channel `name` on the wire: FNV-1a 32 over its ASCII bytes. Two names with
 * the same id cannot be registered on one network (`ChannelIdCollision`).
 *
 * Throws a `TalaError` (`InvalidArgument`) unless `name` is 1 … 64 printable ASCII characters
 * (0x20 … 0x7e).
 *
 * @example
 * ```ts
 * channelId('test'); // 0xafd071e5
 * ```
 */
export function channelId(name: string): number {
  checkChannelName(name);
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Throws `InvalidArgument` unless `name` is a valid channel name (see {@link channelId}). */
export function checkChannelName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_CHANNEL_NAME_LENGTH) {
    throw new TalaError(
      'InvalidArgument',
      `channel: expected 1 … ${MAX_CHANNEL_NAME_LENGTH} printable ASCII characters, found ${describe(name)}`,
    );
  }
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      throw new TalaError(
        'InvalidArgument',
        `channel: expected printable ASCII, found character code ${code} at index ${i} of ${JSON.stringify(name)}`,
      );
    }
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `${value.length} characters` : typeof value;
}
