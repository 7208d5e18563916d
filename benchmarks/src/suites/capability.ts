import { CapabilityAd, MAX_ENTRIES, MAX_VALUE_BYTES } from '@tala-net/capability';
import { seededRandom, TalaError } from '@tala-net/types';
import { do_not_optimize, measure } from 'mitata';
import type { Suite } from '../suite.js';

/*
 * Capability advertisements: decoding the largest advertisement the format allows (1,024
 * entries, one 16 KiB value each) against copying the same bytes once (memcpy, the limit for a
 * decoder that copies its values out), and rejecting a forged header that claims 2^32−1 entries
 * against only creating and catching the error it throws. Large work is timed end to end (median
 * of alternated rounds); the rejection is a micro-benchmark (mitata's median per call).
 */

const random = seededRandom(12_2026);

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random.nextInt(256);
  return bytes;
}

function largestAd(): Uint8Array {
  const entries = Array.from({ length: MAX_ENTRIES }, (_, i) => ({
    name: `capability-${String(i).padStart(4, '0')}`,
    supported: [randomBytes(MAX_VALUE_BYTES)],
  }));
  return CapabilityAd.fromEntries(entries).encode();
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1]!;
}

function timeMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Rounds of each large variant, alternated so that load from other work hits all alike. */
const ROUNDS = 15;

interface LargeResult {
  readonly bytes: number;
  readonly decodeMs: number;
  readonly encodeMs: number;
  readonly memcpyMs: number;
}

function large(): LargeResult {
  const bytes = largestAd();
  const ad = CapabilityAd.decode(bytes);
  const decode: number[] = [];
  const encode: number[] = [];
  const memcpy: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const d = timeMs(() => do_not_optimize(CapabilityAd.decode(bytes)));
    const e = timeMs(() => do_not_optimize(ad.encode()));
    const m = timeMs(() => do_not_optimize(bytes.slice()));
    if (round < 2) continue; // warm-up
    decode.push(d);
    encode.push(e);
    memcpy.push(m);
  }
  return {
    bytes: bytes.length,
    decodeMs: medianOf(decode),
    encodeMs: medianOf(encode),
    memcpyMs: medianOf(memcpy),
  };
}

/** Median ns per call of `fn`. */
async function median(fn: () => void): Promise<number> {
  const stats = await measure(fn, { min_cpu_time: 300 * 1e6 });
  return stats.p50;
}

interface ForgedResult {
  readonly rejectNs: number;
  readonly errorOnlyNs: number;
  readonly truncatedNs: number;
  /** Growth of `process.memoryUsage().arrayBuffers` over REJECTIONS rejections, in bytes. */
  readonly arrayBufferGrowth: number;
  readonly rejections: number;
}

const REJECTIONS = 100_000;

/** Calls of each rejection variant before measuring. */
const WARM_UP_CALLS = 5_000;

function rejects(bytes: Uint8Array): string {
  try {
    CapabilityAd.decode(bytes);
  } catch (error) {
    if (error instanceof TalaError) return error.code;
    throw error;
  }
  throw new Error('the forged advertisement was accepted');
}

async function forged(): Promise<ForgedResult> {
  // 8 bytes: CAP, version 1, count 0xffffffff. Rotated among copies so nothing is constant.
  const headers = Array.from({ length: 64 }, () =>
    Uint8Array.of(0x43, 0x41, 0x50, 1, 0xff, 0xff, 0xff, 0xff),
  );
  // 1,024 entries claimed (the bound), no entry present.
  const truncated = Array.from({ length: 64 }, () =>
    Uint8Array.of(0x43, 0x41, 0x50, 1, 0x00, 0x04, 0x00, 0x00),
  );
  if (rejects(headers[0]!) !== 'TooManyEntries' || rejects(truncated[0]!) !== 'Truncated') {
    throw new Error('unexpected error code');
  }
  // Each variant is its own function literal, so that its call site sees one target.
  let i = 0;
  const reject = () => {
    i = (i + 1) & 63;
    do_not_optimize(rejects(headers[i]!));
  };
  let j = 0;
  const rejectTruncated = () => {
    j = (j + 1) & 63;
    do_not_optimize(rejects(truncated[j]!));
  };
  let k = 0;
  const errorOnly = () => {
    k = (k + 1) & 63;
    try {
      throw new TalaError('TooManyEntries', `CapabilityAd.decode: ${k} entries, at most 1024`);
    } catch (error) {
      do_not_optimize((error as TalaError).code);
    }
  };
  for (const variant of [reject, rejectTruncated, errorOnly]) {
    for (let w = 0; w < WARM_UP_CALLS; w++) variant();
  }
  const rejectNs = await median(reject);
  const truncatedNs = await median(rejectTruncated);
  const errorOnlyNs = await median(errorOnly);
  const before = process.memoryUsage().arrayBuffers;
  for (let r = 0; r < REJECTIONS; r++) rejects(headers[r & 63]!);
  const arrayBufferGrowth = process.memoryUsage().arrayBuffers - before;
  return { rejectNs, truncatedNs, errorOnlyNs, arrayBufferGrowth, rejections: REJECTIONS };
}

const suite: Suite = {
  name: 'capability',
  async run() {
    const big = large();
    const hostile = await forged();
    const f = (x: number, digits = 1) => x.toFixed(digits);
    const mib = big.bytes / 2 ** 20;
    const markdown = [
      '| operation | tala-net | baseline | ratio (tala-net / baseline) |',
      '| --- | --- | --- | --- |',
      `| \`CapabilityAd.decode\`, 1,024 entries × one 16 KiB value (${f(mib, 2)} MiB) | ${f(big.decodeMs, 2)} ms (${f(mib / (big.decodeMs / 1e3), 0)} MiB/s) | memcpy of the same bytes (\`slice\`): ${f(big.memcpyMs, 2)} ms | **${f(big.decodeMs / big.memcpyMs, 2)}×** |`,
      `| \`ad.encode()\` of that advertisement | ${f(big.encodeMs, 2)} ms | 〃 | **${f(big.encodeMs / big.memcpyMs, 2)}×** |`,
      `| \`CapabilityAd.decode\` rejects a forged header claiming 2^32−1 entries (\`TooManyEntries\`) | ${f(hostile.rejectNs, 0)} ns | creating, throwing and catching the \`TalaError\` alone: ${f(hostile.errorOnlyNs, 0)} ns | **${f(hostile.rejectNs / hostile.errorOnlyNs, 2)}×** |`,
      `| 〃 rejects 1,024 claimed entries over an 8-byte input (\`Truncated\`) | ${f(hostile.truncatedNs, 0)} ns | 〃 | **${f(hostile.truncatedNs / hostile.errorOnlyNs, 2)}×** |`,
      '',
      `Decode walks the whole input once without allocating (every count and length checked against the bytes present), then copies each value out; the ratio to one memcpy of the input is its cost over the copy it must make. The forged header is rejected after reading 8 bytes, before anything is allocated: over ${hostile.rejections.toLocaleString('en')} rejections, \`process.memoryUsage().arrayBuffers\` grew by ${hostile.arrayBufferGrowth} bytes (a decoder that allocated the claimed entries would need at least 16 GiB). Large work: median of ${ROUNDS} alternated rounds after 2 warm-up rounds; rejections: mitata's median per call, inputs rotated through 64 copies.`,
    ].join('\n');
    return {
      title: 'Capability advertisements: decode of the largest ad, rejection of a forged header',
      markdown,
      data: { large: big, forged: hostile },
    };
  },
};

export default suite;
