/**
 * The error code of a response (u16 on the wire; 0 is success). Codes and names follow the
 * request/response protocol this layer is modelled on; a processor answers with one of them by
 * throwing a `RequestError`.
 */
export const ErrorCode = {
  None: 0,
  Unknown: 1,
  CorruptMessage: 2,
  UnknownTopic: 3,
  InvalidPartition: 4,
  LeaderNotAvailable: 5,
  NotLeaderForPartition: 6,
  RequestTimedOut: 7,
  NotEnoughReplicas: 8,
  NotEnoughReplicasAfterAppend: 9,
  InvalidRequiredAcks: 10,
  NotController: 11,
  InvalidRequest: 12,
  UnsupportedVersion: 13,
  TopicAlreadyExists: 14,
  InvalidReplicationFactor: 15,
  IneligibleReplica: 16,
  OffsetOutOfRange: 17,
  NotReplicaForPartition: 18,
  GroupAuthorizationFailed: 19,
  UnknownMemberId: 20,
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The name of an {@link ErrorCode} (`'RequestTimedOut'`, …). */
export type ErrorCodeName = keyof typeof ErrorCode;

const NAMES = Object.keys(ErrorCode) as ErrorCodeName[];

/**
 * The name of wire error code `code`: its {@link ErrorCode} name, or `'Unknown'` for a code this
 * version does not know (a newer peer's).
 *
 * @example
 * ```ts
 * errorCodeName(7); // 'RequestTimedOut'
 * errorCodeName(999); // 'Unknown'
 * ```
 */
export function errorCodeName(code: number): ErrorCodeName {
  return (Number.isInteger(code) && NAMES[code]) || 'Unknown';
}

/**
 * `true` for the codes a request may be retried after: exactly `LeaderNotAvailable`,
 * `NotLeaderForPartition`, `RequestTimedOut`, `NotEnoughReplicas` and `NotController`.
 *
 * @example
 * ```ts
 * isRetriable(ErrorCode.NotLeaderForPartition); // true
 * isRetriable(ErrorCode.InvalidRequest); // false
 * ```
 */
export function isRetriable(code: number): boolean {
  return (
    code === ErrorCode.LeaderNotAvailable ||
    code === ErrorCode.NotLeaderForPartition ||
    code === ErrorCode.RequestTimedOut ||
    code === ErrorCode.NotEnoughReplicas ||
    code === ErrorCode.NotController
  );
}
