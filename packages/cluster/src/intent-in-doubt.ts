import { RequestError } from '@tala-net/network';
import { type PartitionId, TalaError } from '@tala-net/types';

declare module '@tala-net/types' {
  interface TalaErrorCodeMap {
    /**
     * `submitIntent`: an earlier owner of the partition accepted the intent and stopped (crashed
     * or lost the partition) before anyone could learn whether it delivered it. Not retriable:
     * the intent was delivered at most once, and no node will deliver it now.
     */
    IntentInDoubt: true;
  }
}

/**
 * The response error code (u16, outside the network layer's range) of an intent in doubt; the
 * submitter turns it into a `TalaError` with code `IntentInDoubt`.
 */
export const INTENT_IN_DOUBT_ERROR_CODE = 0x0400;

/** The answer of an owner that holds the id as accepted by an earlier owner, not delivered. */
export function intentInDoubtResponse(partition: PartitionId): RequestError {
  return new RequestError(
    INTENT_IN_DOUBT_ERROR_CODE,
    `partition ${partition}: an earlier owner accepted the intent and stopped before it was known whether it delivered it`,
  );
}

/** The error `submitIntent` rejects with for `error`: `IntentInDoubt` for its response code. */
export function submitterErrorOf(error: unknown): unknown {
  if (!(error instanceof RequestError) || error.errorCode !== INTENT_IN_DOUBT_ERROR_CODE)
    return error;
  return new TalaError(
    'IntentInDoubt',
    `submitIntent: delivered at most once, not known whether delivered (${error.message})`,
    { cause: error },
  );
}
