import { TalaError } from '@tala-net/types';

/** The `TalaError` (`Aborted`) an operation rejects with when its `signal` aborts. */
export function abortedError(operation: string, signal: AbortSignal): TalaError {
  return new TalaError('Aborted', `${operation} was aborted`, { cause: signal.reason });
}

/** The `TalaError` (`Closed`) an operation of a closed transport rejects with. */
export function closedError(operation: string): TalaError {
  return new TalaError('Closed', `${operation}: the transport is closed`);
}
