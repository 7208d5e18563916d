import { TalaError } from '@tala-net/types';

/** The `TalaError` code `run` throws, or `'accepted'` when it returns. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TalaError) return error.code;
    throw error;
  }
  return 'accepted';
}

/** Bytes `[b0, b1, …]`. */
export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}
