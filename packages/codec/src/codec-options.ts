import { TalaError } from '@tala-net/types';

/** Options of {@link decode} and of the streaming frame decoder. */
export interface DecodeOptions {
  /**
   * Largest accepted payload length in bytes (the length field of the header). A frame that
   * declares more is rejected from its header alone.
   * @default 16777216 (16 MiB)
   */
  readonly maxFrameBytes?: number;
  /**
   * When `true`, byte-array fields (`payload`, `segmentData`, addresses) are copied out of the
   * input. When `false` they are views into the input's `ArrayBuffer`: decoding is O(1) in their
   * size, but the caller must not overwrite the input while the decoded message is in use.
   * @default false
   */
  readonly copy?: boolean;
}

/** Default {@link DecodeOptions.maxFrameBytes}: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Validates {@link DecodeOptions.maxFrameBytes}: an integer in 0 … 2^32−1 (the largest length a
 * header can declare), or `undefined` for the default.
 */
export function checkedMaxFrameBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new TalaError(
      'InvalidArgument',
      `maxFrameBytes: expected an integer in 0 … 2^32−1, found ${String(value)}`,
    );
  }
  return value;
}
