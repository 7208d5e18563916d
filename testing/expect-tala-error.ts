import { TalaError, type TalaErrorCode } from '@tala-net/types';
import { expect } from 'vitest';

/** Runs `action`, asserts it throws a `TalaError` (of any code), and returns that error. */
export function thrownTalaError(action: () => unknown): TalaError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TalaError);
    return error as TalaError;
  }
  throw new Error('expected a TalaError');
}

/** Runs `action`, asserts it throws a `TalaError` with `code`, and returns that error. */
export function expectTalaError(code: TalaErrorCode, action: () => unknown): TalaError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe(code);
    return error as TalaError;
  }
  throw new Error(`expected a TalaError with code ${code}`);
}

/** Asserts `action` throws an `InvalidArgument` TalaError and returns it. */
export const invalidArgument = (action: () => unknown): TalaError =>
  expectTalaError('InvalidArgument', action);

/** Asserts `action` throws a `SegmentCorrupted` TalaError and returns it. */
export const corruption = (action: () => unknown): TalaError =>
  expectTalaError('SegmentCorrupted', action);
