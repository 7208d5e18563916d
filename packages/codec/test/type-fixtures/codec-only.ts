/*
 * What a program that installs only the codec (and its types) sees: `Message` is exactly the
 * reference's six kinds, and a switch over them is exhaustive. Checked by `tsc` (the package's
 * `typecheck` script), not run.
 */
import { decode } from '@tala-net/codec';
import type { Message } from '@tala-net/types';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
  ? true
  : false;

type ReferenceSix =
  | 'Ping'
  | 'Pong'
  | 'IntentForward'
  | 'SegmentSync'
  | 'MembershipUpdate'
  | 'PartitionTableUpdate';

export const exactlyTheSix: Equal<Message['type'], ReferenceSix> = true;

export function describe(bytes: Uint8Array): string {
  const message = decode(bytes);
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      return `${message.type} ${message.seq}`;
    case 'IntentForward':
      return `intent for ${message.partition}`;
    case 'SegmentSync':
      return `segment of ${message.partition}`;
    case 'MembershipUpdate':
      return `members v${message.version}`;
    case 'PartitionTableUpdate':
      return `table v${message.version}`;
    default: {
      const unknownKind: never = message;
      return unknownKind;
    }
  }
}
