import { type Message, type Random, seededRandom, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, loadVectors, toHex } from '../../../testing/vectors.js';
import { decode, encode, FrameDecoder } from '../src/index.js';
import { message } from './arbitraries.js';

const FRAMES = 100_000;
const SEED = 0x7a1a;

/** Valid frames to mutate: every golden vector plus a fixed sample of every message kind. */
const corpus: Uint8Array[] = [
  ...loadVectors().valid.map((v) => fromHex(v.hex)),
  ...fc.sample(message, { seed: SEED, numRuns: 400 }).map((message) => encode(message)),
];

const MUTATIONS = [
  'bit flips',
  'random byte',
  'truncation',
  'length edit',
  'count edit',
  'extension',
] as const;
type Mutation = (typeof MUTATIONS)[number];

/** A mutated copy of `frame`. */
function mutate(frame: Uint8Array, kind: Mutation, random: Random): Uint8Array {
  switch (kind) {
    case 'bit flips': {
      const out = frame.slice();
      const flips = 1 + random.nextInt(3);
      for (let i = 0; i < flips; i++) out[random.nextInt(out.length)]! ^= 1 << random.nextInt(8);
      return out;
    }
    case 'random byte': {
      const out = frame.slice();
      out[random.nextInt(out.length)] = random.nextInt(256);
      return out;
    }
    case 'truncation':
      return frame.slice(0, random.nextInt(frame.length));
    case 'length edit': {
      const out = frame.slice();
      const view = new DataView(out.buffer);
      const length = view.getUint32(1, true);
      const edits = [length + 1, length - 1, length + 8, length - 8, random.nextInt(2 ** 32)];
      view.setUint32(1, edits[random.nextInt(edits.length)]! >>> 0, true);
      return out;
    }
    case 'count edit': {
      // Overwrite an aligned-or-not 4-byte window of the payload: hits counts and lengths.
      const out = frame.slice();
      if (out.length < 9) return out;
      const at = 5 + random.nextInt(out.length - 8);
      const values = [0, 1, 2, 0xffff_ffff, 0x8000_0000, random.nextInt(2 ** 32)];
      new DataView(out.buffer).setUint32(at, values[random.nextInt(values.length)]!, true);
      return out;
    }
    case 'extension': {
      const extra = 1 + random.nextInt(24);
      const out = new Uint8Array(frame.length + extra);
      out.set(frame);
      for (let i = frame.length; i < out.length; i++) out[i] = random.nextInt(256);
      if (random.nextInt(2) === 0) new DataView(out.buffer).setUint32(1, out.length - 5, true);
      return out;
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Feeds `stream` to a strict FrameDecoder in random chunks of 1–64 bytes. */
function decodeInRandomChunks(
  stream: Uint8Array,
  random: Random,
): { messages: Message[]; failed: boolean } {
  const decoder = new FrameDecoder({ unknownTags: 'reject' });
  const messages: Message[] = [];
  try {
    for (let from = 0; from < stream.length; ) {
      const size = 1 + random.nextInt(64);
      messages.push(...decoder.push(stream.subarray(from, from + size)));
      from += size;
    }
    decoder.end();
  } catch (error) {
    if (!(error instanceof TalaError)) throw error;
    return { messages, failed: true };
  }
  return { messages, failed: false };
}

describe('fuzzing with mutated valid frames', () => {
  it(`${FRAMES} mutated frames: only TalaError, and accepted frames re-encode to themselves`, () => {
    const random = seededRandom(SEED);
    const problems: string[] = [];
    const counts = { accepted: 0, rejected: 0 };
    for (let i = 0; i < FRAMES && problems.length < 5; i++) {
      const frame = corpus[random.nextInt(corpus.length)]!;
      const kind = MUTATIONS[random.nextInt(MUTATIONS.length)]!;
      const bytes = mutate(frame, kind, random);
      let decoded: Message;
      try {
        decoded = decode(bytes);
      } catch (error) {
        if (!(error instanceof TalaError) || error.code !== 'SegmentCorrupted') {
          problems.push(`${kind} ${toHex(bytes)} threw ${String(error)}`);
        }
        counts.rejected++;
        continue;
      }
      counts.accepted++;
      if (!sameBytes(encode(decoded), bytes)) problems.push(`${kind} ${toHex(bytes)} re-encodes`);
    }
    expect(problems).toEqual([]);
    // Both outcomes are exercised (a frame can survive e.g. a flip inside an id).
    expect(counts.accepted).toBeGreaterThan(1000);
    expect(counts.rejected).toBeGreaterThan(10_000);
  });

  it('the FrameDecoder agrees with decode on mutated streams', () => {
    const random = seededRandom(SEED + 1);
    for (let i = 0; i < 5_000; i++) {
      const parts = [0, 1, 2].map(() => corpus[random.nextInt(corpus.length)]!);
      const kind = MUTATIONS[random.nextInt(MUTATIONS.length)]!;
      parts[1] = mutate(parts[1]!, kind, random);
      const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        stream.set(part, at);
        at += part.length;
      }
      const { messages, failed } = decodeInRandomChunks(stream, random);
      // Whatever was accepted is a stream of frames that re-encodes to a prefix of the input.
      const reencoded = messages.map((message) => encode(message));
      let prefix = 0;
      for (const frame of reencoded) {
        if (!sameBytes(frame, stream.subarray(prefix, prefix + frame.length))) {
          throw new Error(`stream ${toHex(stream)}: a message does not re-encode to its frame`);
        }
        prefix += frame.length;
      }
      if (!failed && prefix !== stream.length)
        throw new Error(`stream ${toHex(stream)}: lost bytes`);
    }
  });
});
