/*
 * What a program that installs membership sees: `Message` gains SWIM's five kinds through
 * membership's module augmentation, and a switch must handle them to be exhaustive. Checked by
 * `tsc` (the package's `typecheck` script), not run.
 */
import { decode } from '@tala-net/codec';
import type { SwimEngine } from '@tala-net/membership';
import type { Message } from '@tala-net/types';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
  ? true
  : false;

type Eleven =
  | 'Ping'
  | 'Pong'
  | 'IntentForward'
  | 'SegmentSync'
  | 'MembershipUpdate'
  | 'PartitionTableUpdate'
  | 'PingReq'
  | 'IndirectAck'
  | 'Nack'
  | 'Gossip'
  | 'PushPull';

export const referenceAndSwim: Equal<Message['type'], Eleven> = true;
export type Engine = SwimEngine;

export function isSwim(bytes: Uint8Array): boolean {
  const message = decode(bytes);
  switch (message.type) {
    case 'Ping':
    case 'Pong':
    case 'IntentForward':
    case 'SegmentSync':
    case 'MembershipUpdate':
    case 'PartitionTableUpdate':
      return false;
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
    case 'Gossip':
    case 'PushPull':
      return true;
    default: {
      const unknownKind: never = message;
      return unknownKind;
    }
  }
}
