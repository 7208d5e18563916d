import { ErrorCode, RequestError } from '@tala-net/network';
import { INTENT_ID_LENGTH } from './cluster-messages.js';
import { RECORD_BYTES } from './segment-log.js';

/**
 * What a segment record says about an intent: `Accepted` (the owner took it and replicates the
 * record before delivering) or `Delivered` (the owner delivered it to the application). An id
 * with an `Accepted` record and no `Delivered` one is in doubt for any other node: its owner may
 * have stopped before or after delivering it.
 */
export const RecordKind = {
  /** The owner accepted the intent; delivery follows once every replica holds this record. */
  Accepted: 1,
  /** The owner delivered the intent. */
  Delivered: 2,
} as const;

/** One of the {@link RecordKind} values. */
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** The record `[kind:1][id:16]` of `id`. */
export function segmentRecord(kind: RecordKind, id: Uint8Array): Uint8Array {
  const record = new Uint8Array(RECORD_BYTES);
  record[0] = kind;
  record.set(id.subarray(0, INTENT_ID_LENGTH), 1);
  return record;
}

/** The kind of `record`. */
export function recordKind(record: Uint8Array): RecordKind {
  return record[0] as RecordKind;
}

/** The intent id of `record` (a view). */
export function recordId(record: Uint8Array): Uint8Array {
  return record.subarray(1, RECORD_BYTES);
}

/**
 * Throws a `RequestError` (`CorruptMessage`) unless `data` is whole records of known kinds, the
 * check for segment bytes that arrive from another node.
 */
export function checkRecords(data: Uint8Array): void {
  if (data.length % RECORD_BYTES !== 0) {
    throw new RequestError(
      ErrorCode.CorruptMessage,
      `segment: ${data.length} bytes are not whole records of ${RECORD_BYTES} bytes`,
    );
  }
  for (let at = 0; at < data.length; at += RECORD_BYTES) {
    const kind = data[at];
    if (kind !== RecordKind.Accepted && kind !== RecordKind.Delivered) {
      throw new RequestError(
        ErrorCode.CorruptMessage,
        `segment: unknown record kind ${kind} at byte ${at}`,
      );
    }
  }
}
