/**
 * The error code of a response (u16 on the wire; 0 is success). Codes and names follow the
 * request/response protocol this layer is modelled on; a processor answers with one of them by
 * throwing a `RequestError`.
 */
export const ErrorCode = {
  /** Success. */
  None: 0,
  /** An unexpected failure, or a code this version does not know. */
  Unknown: 1,
  /** The request could not be decoded. */
  CorruptMessage: 2,
  /** The topic does not exist. */
  UnknownTopic: 3,
  /** The partition does not exist. */
  InvalidPartition: 4,
  /** The partition has no leader at the moment. */
  LeaderNotAvailable: 5,
  /** The receiver does not lead the partition. */
  NotLeaderForPartition: 6,
  /** The request was not answered within its timeout. */
  RequestTimedOut: 7,
  /** Too few replicas are in sync to accept the request. */
  NotEnoughReplicas: 8,
  /** The write happened but too few replicas acknowledged it. */
  NotEnoughReplicasAfterAppend: 9,
  /** The requested number of acknowledgements is invalid. */
  InvalidRequiredAcks: 10,
  /** The receiver is not the controller. */
  NotController: 11,
  /** The request is malformed or not allowed. */
  InvalidRequest: 12,
  /** The request version is not supported. */
  UnsupportedVersion: 13,
  /** The topic exists already. */
  TopicAlreadyExists: 14,
  /** The replication factor is invalid. */
  InvalidReplicationFactor: 15,
  /** The replica may not take the role asked of it. */
  IneligibleReplica: 16,
  /** The offset is outside the stored range. */
  OffsetOutOfRange: 17,
  /** The receiver holds no replica of the partition. */
  NotReplicaForPartition: 18,
  /** The caller may not act for the group. */
  GroupAuthorizationFailed: 19,
  /** The group member is unknown. */
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
