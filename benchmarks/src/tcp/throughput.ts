import { encode } from '@tala-net/codec';
import { type Message, NodeId, PartitionId } from '@tala-net/types';
import type { ClusterPki } from './pki.js';
import { pump, type Timing } from './pump.js';
import { codecRig, type Rig, rawRig, transportRig, wsRig } from './rigs.js';

/** Frames per raw write, and sends per event-loop turn for every variant. */
export const BURST = 64;
/** Bytes of one bulk frame (a SegmentSync frame, header included). */
export const BULK_FRAME_BYTES = 1024 * 1024;
/** Bytes of the 5-byte header plus the 4-byte partition of a SegmentSync frame. */
const SEGMENT_SYNC_OVERHEAD = 9;

/** `count` distinct Pings (21-byte frames), a power of two so a mask rotates through them. */
export function pings(count = 1024): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'Ping',
    from: NodeId(1),
    seq: BigInt(i + 1),
  }));
}

/** SegmentSync messages whose frames are exactly {@link BULK_FRAME_BYTES} long. */
export function segments(count = 2): Message[] {
  return Array.from({ length: count }, (_, i) => {
    const segmentData = new Uint8Array(BULK_FRAME_BYTES - SEGMENT_SYNC_OVERHEAD).fill(i + 1);
    return { type: 'SegmentSync', partition: PartitionId(i), segmentData };
  });
}

/** The frames of `messages` back to back, for a raw sender. */
export function encoded(messages: readonly Message[]): Uint8Array {
  const frames = messages.map((m) => encode(m));
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const frame of frames) {
    out.set(frame, at);
    at += frame.length;
  }
  return out;
}

/** One measured run: frames through a rig. */
export interface Run extends Timing {
  readonly frames: number;
}

/** A throughput variant: how to build its rig. */
export interface Variant {
  readonly name: string;
  readonly rig: () => Promise<Rig>;
  /** Frames of one measured run (a warm-up of a quarter of them precedes it). */
  readonly frames: number;
  /** Frames per `send` call of the sender (the burst per event-loop turn is {@link BURST} frames). */
  readonly burst: number;
}

/** Builds the variant's rig, warms it up, measures one run, closes it. */
export async function runVariant(variant: Variant): Promise<Run> {
  const rig = await variant.rig();
  try {
    const warm = Math.max(
      variant.burst,
      Math.floor(variant.frames / 4 / variant.burst) * variant.burst,
    );
    await pump(rig.sender, warm, variant.burst, rig.received.reached(warm));
    const target = rig.received.count + variant.frames;
    const timing = await pump(
      rig.sender,
      variant.frames,
      variant.burst,
      rig.received.reached(target),
    );
    return { frames: variant.frames, ...timing };
  } finally {
    await rig.close();
  }
}

/** Name of the small-frame variant that runs the codec alone, without a socket. */
export const CODEC_ALONE = 'the codec alone: encode + decode, no socket';

/**
 * The small-frame variants: the raw ceiling (64 pre-encoded frames per write), TcpTransport, the
 * codec alone, and ws when `pki` is undefined.
 */
export function smallFrameVariants(pki: ClusterPki | undefined, scale = 1): Variant[] {
  const messages = pings();
  const batch = encoded(messages.slice(0, BURST));
  const suffix = pki === undefined ? '' : ' (TLS)';
  const variants: Variant[] = [
    {
      name: `raw ${pki === undefined ? 'net' : 'tls'}, ${BURST} frames per write`,
      rig: () => rawRig(batch, 21, pki),
      frames: Math.round(1_048_576 * scale),
      burst: BURST,
    },
    {
      name: `TcpTransport${suffix}, one send per frame, message events`,
      rig: () => transportRig(messages, pki, 'event'),
      frames: Math.round(262_144 * scale),
      burst: BURST,
    },
    {
      name: `TcpTransport${suffix}, one send per frame, onMessage`,
      rig: () => transportRig(messages, pki, 'onMessage'),
      frames: Math.round(262_144 * scale),
      burst: BURST,
    },
    {
      name: CODEC_ALONE,
      rig: () => codecRig(messages),
      frames: Math.round(1_048_576 * scale),
      burst: BURST,
    },
  ];
  if (pki === undefined) {
    variants.push({
      name: 'ws, one send per message',
      rig: () => wsRig(batch.subarray(0, 21)),
      frames: Math.round(32_768 * scale),
      burst: BURST,
    });
  }
  return variants;
}

/** The bulk variants: raw 1 MiB writes and TcpTransport sending 1 MiB SegmentSync frames. */
export function bulkVariants(pki: ClusterPki | undefined, scale = 1): Variant[] {
  const messages = segments();
  const frame = encoded(messages.slice(0, 1));
  const frames = Math.round(128 * scale);
  const suffix = pki === undefined ? '' : ' (TLS)';
  return [
    {
      name: `raw ${pki === undefined ? 'net' : 'tls'}, 1 MiB writes`,
      rig: () => rawRig(frame, BULK_FRAME_BYTES, pki),
      frames,
      burst: 1,
    },
    {
      name: `TcpTransport${suffix}, 1 MiB SegmentSync`,
      rig: () => transportRig(messages, pki, 'onMessage'),
      frames,
      burst: 1,
    },
  ];
}
