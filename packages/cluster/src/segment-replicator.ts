import { decode, encode } from '@tala-net/codec';
import { ErrorCode, type IncomingRequest, RequestError } from '@tala-net/network';
import { type NodeId, type PartitionId, TalaError } from '@tala-net/types';
import type { SegmentAck } from './cluster-messages.js';
import type { EngineContext } from './engine-context.js';
import type { PartitionState } from './partition-state.js';
import { checkRecords } from './segment-record.js';

/** The network channel segments travel on. */
export const SEGMENT_CHANNEL = 'tala.segment';

/** Bytes of an encoded `SegmentAck` frame (header 5 + payload 21). */
const ACK_FRAME_BYTES = 26;
/** The offset of a probe: past the end of any segment. */
const PROBE_OFFSET = 0xffff_ffff_ffff_ffffn;
/** Most requests of one catch-up or fetch (chunks included) before it gives up. */
const MAX_STEPS = 4096;

/**
 * Keeps the segments of a partition's holders byte-identical.
 *
 * - **Push (owner → replicas).** The owner sends `SegmentSync` requests on the `tala.segment`
 *   channel with metadata `offset` (logical offset of the bytes), `start` (the owner's first
 *   logical offset), `epoch` (its table) and `reset` (`1`: replace everything). A replica
 *   writes them when they continue or overwrite what it holds, and answers a `SegmentAck` with
 *   the range it holds; the owner sends what is missing (or everything, `reset`, when the
 *   replica diverged or is new) until the replica holds the owner's range.
 * - **Fetch (new owner ← a holder).** An owner that did not hold the partition asks the other
 *   holders, then every live member, with `SegmentFetch` and metadata `epoch`; a node that
 *   holds (or held until its current table) a complete segment answers an ack and a chunk.
 */
export class SegmentReplicator {
  readonly #context: EngineContext;

  constructor(context: EngineContext) {
    this.#context = context;
  }

  /**
   * Runs a replication round for `state` after the rounds before it: every live replica of the
   * partition in the current table ends holding the owner's range. Rejects when one does not
   * answer within `replicationTimeoutMs`.
   */
  replicate(state: PartitionState): Promise<void> {
    const previous = state.round ?? Promise.resolve();
    const round = previous.catch(() => undefined).then(() => this.#round(state));
    state.round = round;
    void round
      .finally(() => {
        if (state.round === round) state.round = undefined;
      })
      .catch(() => undefined);
    return round;
  }

  async #round(state: PartitionState): Promise<void> {
    const context = this.#context;
    const assignment = context.table()?.table.assignmentOf(state.partition);
    if (assignment === undefined || assignment.owner !== context.id) {
      throw new RequestError(ErrorCode.NotLeaderForPartition, `partition ${state.partition} moved`);
    }
    const deadline = context.options.clock.now() + context.options.replicationTimeoutMs;
    const replicas = assignment.replicas.filter((replica) => context.isLive(replica));
    for (const known of state.acks.keys())
      if (!assignment.replicas.includes(known)) state.acks.delete(known);
    await Promise.all(replicas.map((replica) => this.#catchUp(state, replica, deadline)));
  }

  async #catchUp(state: PartitionState, replica: NodeId, deadline: number): Promise<void> {
    const { log } = state;
    for (let step = 0; step < MAX_STEPS; step++) {
      const ack = state.acks.get(replica);
      if (ack?.synced === true && ack.start === log.start && ack.end === log.end) return;
      const remainingForProbe = deadline - this.#context.options.clock.now();
      if (ack === undefined && remainingForProbe > 0) {
        // Unknown replica: an empty push at this owner's end asks what it holds, changing nothing.
        state.acks.set(
          replica,
          await this.#push(state, replica, log.end, false, remainingForProbe),
        );
        this.#checkNotBehind(state, replica);
        continue;
      }
      const continues =
        ack?.synced === true &&
        ack.start === log.start &&
        ack.end >= log.start &&
        ack.end < log.end;
      const offset = continues ? ack.end : log.start;
      const remaining = deadline - this.#context.options.clock.now();
      if (remaining <= 0)
        throw new RequestError(
          ErrorCode.RequestTimedOut,
          `replica ${replica} did not catch up in time`,
        );
      state.acks.set(replica, await this.#push(state, replica, offset, !continues, remaining));
      this.#checkNotBehind(state, replica);
    }
    throw new RequestError(ErrorCode.NotEnoughReplicas, `replica ${replica} did not catch up`);
  }

  /** Throws (and marks the copy incomplete) when `replica` holds more than this owner. */
  #checkNotBehind(state: PartitionState, replica: NodeId): void {
    const ack = state.acks.get(replica);
    if (ack === undefined || ack.end <= state.log.end) return;
    // An owner that lost (part of) its copy: it fetches the longer one before serving.
    state.synced = false;
    throw new RequestError(
      ErrorCode.LeaderNotAvailable,
      `replica ${replica} holds more of partition ${state.partition}`,
    );
  }

  async #push(
    state: PartitionState,
    replica: NodeId,
    offset: bigint,
    reset: boolean,
    timeout: number,
  ): Promise<SegmentAck> {
    const context = this.#context;
    const data = state.log.read(offset, context.options.segmentChunkBytes);
    const frame = encode({ type: 'SegmentSync', partition: state.partition, segmentData: data });
    const response = await context.segmentConduit().request(replica, frame, {
      timeout: Math.max(1, Math.floor(timeout)),
      metadata: {
        offset: offset.toString(),
        start: state.log.start.toString(),
        epoch: (context.table()?.epoch ?? 0n).toString(),
        reset: reset ? '1' : '0',
      },
    });
    context.counters.segmentBytesSent += data.length;
    return decodeAck(response, state.partition);
  }

  /** Fetches the segment of `state` (this node became its owner without holding it). */
  fetch(state: PartitionState): Promise<void> {
    state.fetching ??= this.#fetchFromAny(state).finally(() => {
      state.fetching = undefined;
    });
    return state.fetching;
  }

  async #fetchFromAny(state: PartitionState): Promise<void> {
    const context = this.#context;
    const table = context.table();
    if (table === undefined) return;
    const assignment = table.table.assignmentOf(state.partition);
    const holders = assignment === undefined ? [] : [assignment.owner, ...assignment.replicas];
    const others = context.membership
      .members()
      .map((m) => m.node)
      .sort((a, b) => (a < b ? -1 : 1));
    const candidates = [...new Set([...holders, ...others])].filter(
      (n) => n !== context.id && context.isLive(n),
    );
    // Ask every candidate what it holds, then copy the longest copy: owners only append, and an
    // owner delivers only what every replica holds, so the longest copy misses no delivered id.
    if (candidates.length === 0 && context.options.seeds.length > 0) {
      // A node that joins through seeds and knows no one yet cannot know the segment is empty.
      throw new RequestError(ErrorCode.LeaderNotAvailable, 'fetch: no member to ask yet');
    }
    const answers = await Promise.all(
      candidates.map((candidate) =>
        this.#probe(state.partition, candidate).then(
          (ack) => ({ candidate, ack, error: undefined }),
          (error: unknown) => ({ candidate, ack: undefined, error }),
        ),
      ),
    );
    let best: { candidate: NodeId; ack: SegmentAck } | undefined;
    for (const { candidate, ack } of answers) {
      if (ack === undefined || (ack.end === 0n && !ack.synced)) continue;
      if (
        best === undefined ||
        ack.end > best.ack.end ||
        (ack.end === best.ack.end && ack.synced && !best.ack.synced)
      ) {
        best = { candidate, ack };
      }
    }
    if (best !== undefined && (best.ack.end > state.log.end || best.ack.synced)) {
      await this.#fetchFrom(state, best.candidate);
      return;
    }
    const refusal = answers.find(
      ({ error }) =>
        error !== undefined &&
        !(error instanceof RequestError && error.code === 'NotReplicaForPartition'),
    );
    const everyoneRefused = refusal === undefined;
    const lastError = refusal?.error;
    if (!everyoneRefused) throw lastError;
    // Every other member answered that it holds nothing: the segment is what this node has.
    if (state.log.end === 0n) state.reset(0n, new Uint8Array(0), context.options.clock.now());
    state.synced = true;
    state.syncedEpoch = table.epoch;
    if (!table.fresh.has(state.partition) && candidates.length > 0) {
      context.report(
        new TalaError(
          'Unreachable',
          `partition ${state.partition}: no member holds its segment any more`,
        ),
        'segment:lost',
      );
    }
  }

  /** What `from` holds of `partition` (a fetch past any end: an ack and no bytes). */
  async #probe(partition: PartitionId, from: NodeId): Promise<SegmentAck> {
    const context = this.#context;
    const frame = encode({ type: 'SegmentFetch', partition, offset: PROBE_OFFSET });
    const response = await context.segmentConduit().request(from, frame, {
      timeout: context.options.replicationTimeoutMs,
      metadata: { epoch: (context.table()?.epoch ?? 0n).toString() },
    });
    return decodeAck(response.subarray(0, ACK_FRAME_BYTES), partition);
  }

  async #fetchFrom(state: PartitionState, from: NodeId): Promise<void> {
    const context = this.#context;
    const epoch = (context.table()?.epoch ?? 0n).toString();
    let offset = 0n;
    for (let step = 0; step < MAX_STEPS; step++) {
      const frame = encode({ type: 'SegmentFetch', partition: state.partition, offset });
      const response = await context.segmentConduit().request(from, frame, {
        timeout: context.options.replicationTimeoutMs,
        metadata: { epoch },
      });
      const ack = decodeAck(response.subarray(0, ACK_FRAME_BYTES), state.partition);
      const chunk = decode(response.slice(ACK_FRAME_BYTES));
      if (chunk.type !== 'SegmentSync' || chunk.partition !== state.partition) {
        throw new RequestError(
          ErrorCode.CorruptMessage,
          'fetch: expected a SegmentSync of the partition',
        );
      }
      checkRecords(chunk.segmentData);
      const at = offset < ack.start ? ack.start : offset;
      const now = context.options.clock.now();
      if (step === 0 || at !== state.log.end) state.reset(at, chunk.segmentData, now);
      else state.write(at, chunk.segmentData, now);
      context.counters.segmentBytesReceived += chunk.segmentData.length;
      offset = state.log.end;
      if (offset >= ack.end) {
        state.synced = true;
        state.syncedEpoch = context.table()?.epoch ?? 0n;
        return;
      }
      if (chunk.segmentData.length === 0) break;
    }
    throw new RequestError(
      ErrorCode.NotEnoughReplicas,
      `fetch of partition ${state.partition} did not finish`,
    );
  }

  /** Answers a request on the segment channel: a push or a fetch. */
  serve(request: IncomingRequest): Uint8Array {
    let message: ReturnType<typeof decode>;
    try {
      message = decode(request.payload);
    } catch (error) {
      throw new RequestError(ErrorCode.CorruptMessage, 'segment: undecodable request', {
        cause: error,
      });
    }
    const epoch = metadataU64(request, 'epoch');
    if (message.type === 'SegmentSync')
      return this.#applyPush(request, message.partition, message.segmentData, epoch);
    if (message.type === 'SegmentFetch')
      return this.#answerFetch(request.from as NodeId, message.partition, message.offset, epoch);
    throw new RequestError(ErrorCode.InvalidRequest, `segment: unexpected ${message.type}`);
  }

  #applyPush(
    request: IncomingRequest,
    partition: PartitionId,
    data: Uint8Array,
    epoch: bigint,
  ): Uint8Array {
    const context = this.#context;
    const from = request.from as NodeId;
    // Only a member may write a copy, and only of a partition the cluster has: a segment pushed
    // ahead of its table (a newer epoch) is taken on a member's word, nobody else's.
    if (partition >= context.options.partitions) {
      throw new RequestError(ErrorCode.InvalidRequest, `segment: no partition ${partition}`);
    }
    checkRecords(data);
    const standing = context.membership.member(from)?.state;
    if (standing !== 'Alive' && standing !== 'Suspect') {
      throw new RequestError(ErrorCode.NotLeaderForPartition, `${from} is not a live member`);
    }
    const table = context.table();
    const mine = table?.epoch ?? 0n;
    if (epoch > mine) context.observedEpoch(from, epoch);
    const owner = table?.table.ownerOf(partition);
    if (owner !== from && epoch <= mine) {
      throw new RequestError(
        ErrorCode.NotLeaderForPartition,
        `${from} does not own partition ${partition}`,
      );
    }
    const offset = metadataU64(request, 'offset');
    const state = this.#stateFor(partition);
    const now = context.options.clock.now();
    context.counters.segmentBytesReceived += data.length;
    const reset = request.metadata.get('reset') === '1';
    if (offset + BigInt(data.length) < state.log.end) {
      // Never shorten a copy: the owner learns from the ack that this one is longer and fetches it.
    } else if (reset) {
      state.reset(offset, data, now);
      state.synced = true;
      if (epoch > state.syncedEpoch) state.syncedEpoch = epoch;
    } else if (state.synced && offset >= state.log.start && offset <= state.log.end) {
      state.write(offset, data, now);
    }
    return encode(ackOf(state));
  }

  #answerFetch(from: NodeId, partition: PartitionId, offset: bigint, epoch: bigint): Uint8Array {
    const context = this.#context;
    const mine = context.table()?.epoch ?? 0n;
    if (epoch > mine) {
      context.observedEpoch(from, epoch);
      throw new RequestError(ErrorCode.LeaderNotAvailable, 'fetch: this node has an older table');
    }
    const state = context.states.get(partition);
    if (state === undefined) {
      throw new RequestError(
        ErrorCode.NotReplicaForPartition,
        `fetch: no segment of partition ${partition} here`,
      );
    }
    const at = offset < state.log.start ? state.log.start : offset;
    const data = state.log.read(at, context.options.segmentChunkBytes);
    context.counters.segmentBytesSent += data.length;
    return concatFrames(
      encode(ackOf(state)),
      encode({ type: 'SegmentSync', partition, segmentData: data }),
    );
  }

  #stateFor(partition: PartitionId): PartitionState {
    const context = this.#context;
    let state = context.states.get(partition);
    if (state === undefined) {
      state = context.createState(partition);
      context.states.set(partition, state);
    }
    return state;
  }
}

function concatFrames(first: Uint8Array, second: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(first.length + second.length);
  bytes.set(first, 0);
  bytes.set(second, first.length);
  return bytes;
}

function ackOf(state: PartitionState): SegmentAck {
  return {
    type: 'SegmentAck',
    partition: state.partition,
    start: state.log.start,
    end: state.log.end,
    synced: state.synced,
  };
}

function decodeAck(bytes: Uint8Array, partition: PartitionId): SegmentAck {
  let message: ReturnType<typeof decode>;
  try {
    message = decode(bytes);
  } catch (error) {
    throw new RequestError(ErrorCode.CorruptMessage, 'segment: undecodable answer', {
      cause: error,
    });
  }
  if (message.type !== 'SegmentAck' || message.partition !== partition) {
    throw new RequestError(
      ErrorCode.CorruptMessage,
      'segment: expected a SegmentAck of the partition',
    );
  }
  return message;
}

function metadataU64(request: IncomingRequest, key: string): bigint {
  const value = request.metadata.get(key) ?? '0';
  if (!/^[0-9]{1,20}$/.test(value) || BigInt(value) > 0xffff_ffff_ffff_ffffn) {
    throw new RequestError(
      ErrorCode.InvalidRequest,
      `segment: metadata ${key} must be a u64 in decimal`,
    );
  }
  return BigInt(value);
}
