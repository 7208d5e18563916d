import { setMaxListeners } from 'node:events';
import { decode, encode } from '@tala-net/codec';
import { type Conduit, ErrorCode, type IncomingRequest, RequestError } from '@tala-net/network';
import { partitionForIntent } from '@tala-net/partition';
import { type NodeId, type PartitionId, TalaError } from '@tala-net/types';
import {
  INTENT_ID_LENGTH,
  type IntentOutcomeKind,
  type IntentOutcomeQuery,
  type IntentSubmit,
} from './cluster-messages.js';
import type { EngineContext } from './engine-context.js';
import { intentInDoubtResponse, submitterErrorOf } from './intent-in-doubt.js';
import type { IntentReceipt, SubmitIntentOptions } from './intent-receipt.js';
import { intentKey, type PartitionState } from './partition-state.js';
import type { SegmentReplicator } from './segment-replicator.js';

/** The network channel intents travel on. */
export const INTENT_CHANNEL = 'tala.intent';
/** Most nodes an intent goes through after its submitter before it is refused (retriable). */
export const MAX_FORWARD_HOPS = 4;

/** Failures of one attempt that a new attempt (with the next table) may get past. */
const RETRIABLE_CODES: ReadonlySet<string> = new Set([
  'LeaderNotAvailable',
  'NotLeaderForPartition',
  'RequestTimedOut',
  'NotEnoughReplicas',
  'NotController',
  'UnknownPeer',
  'ConnectionFailed',
  'QueueFull',
]);

/** An intent of a partition this node owns, on its way to delivery. */
interface OwnedIntent {
  readonly state: PartitionState;
  readonly partition: PartitionId;
  readonly id: Uint8Array;
  /** `intentKey(id)`. */
  readonly key: string;
  readonly payload: Uint8Array;
}

/** Delivers an intent to the application (the node's `intent` event). */
export type Deliver = (id: Uint8Array, partition: PartitionId, payload: Uint8Array) => void;

/**
 * Routes intents to the owner of their partition and delivers them there once per id.
 *
 * The owner appends an `Accepted` record of the id to the partition's segment, replicates the
 * segment to every live replica of the partition, and only then delivers the intent, appends a
 * `Delivered` record (replicated by the next round) and answers. A second copy of the id (a
 * retry, a duplicated frame, a resubmission) finds the id in the segment (or in flight): it is
 * answered `duplicate: true` without a second delivery when the id is delivered, on this owner
 * and on any later owner that holds the segment. An id that a later owner holds as accepted by
 * an earlier owner and not delivered is in doubt (that owner may have stopped just before or
 * just after delivering it): it is answered `IntentInDoubt`, and never delivered again.
 */
export class IntentRouter {
  readonly #context: EngineContext;
  readonly #replicator: SegmentReplicator;
  readonly #deliver: Deliver;
  readonly #conduit: () => Conduit;
  readonly #stopped = new AbortController();
  #draining = false;

  constructor(
    context: EngineContext,
    replicator: SegmentReplicator,
    deliver: Deliver,
    conduit: () => Conduit,
  ) {
    this.#context = context;
    this.#replicator = replicator;
    this.#deliver = deliver;
    this.#conduit = conduit;
    // Every submission waiting for a retry listens for the stop.
    setMaxListeners(0, this.#stopped.signal);
  }

  /**
   * Takes no more intents as owner (they are answered with the retriable `LeaderNotAvailable`,
   * so that their submitters retry with the next owner) and resolves once the deliveries in
   * progress here, and the replication of their records, have ended.
   */
  async drain(): Promise<void> {
    this.#draining = true;
    const states = [...this.#context.states.values()];
    await Promise.allSettled(states.flatMap((state) => [...state.pending.values()]));
    await Promise.allSettled(states.map((state) => state.round));
  }

  /** Stops: submissions in progress reject with `Closed`. */
  stop(): void {
    this.#stopped.abort();
  }

  /** See `ClusterNode.submitIntent`. */
  async submit(
    id: Uint8Array,
    payload: Uint8Array,
    options: SubmitIntentOptions,
  ): Promise<IntentReceipt> {
    checkSubmission(id, payload, options);
    const context = this.#context;
    const { clock } = context.options;
    context.counters.intentsSubmitted++;
    const deadline = clock.now() + (options.timeout ?? context.options.intentTimeoutMs);
    const idCopy = id.slice();
    const payloadCopy = payload.slice();
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      this.#checkStillWanted(options.signal);
      const remaining = deadline - clock.now();
      if (remaining <= 0) break;
      try {
        return await this.#attempt(
          idCopy,
          payloadCopy,
          Math.min(remaining, context.options.attemptTimeoutMs),
          options.signal,
        );
      } catch (error) {
        if (!isRetriable(error) || !context.running()) {
          context.counters.intentsFailed++;
          throw submitterErrorOf(error);
        }
        lastError = error;
      }
      const backoff = Math.min(
        deadline - clock.now(),
        10 * 2 ** Math.min(attempt, 6) * (0.5 + context.options.random.next() / 2),
      );
      if (backoff > 0) await this.#sleep(backoff, options.signal);
    }
    context.counters.intentsFailed++;
    throw new TalaError(
      lastError instanceof TalaError ? lastError.code : 'RequestTimedOut',
      `submitIntent: not delivered within its deadline${lastError instanceof Error ? ` (last: ${lastError.message})` : ''}`,
      { cause: lastError },
    );
  }

  #checkStillWanted(signal: AbortSignal | undefined): void {
    if (signal?.aborted === true)
      throw new TalaError('Aborted', 'submitIntent: aborted', { cause: signal.reason });
    if (!this.#context.running()) throw new TalaError('Closed', 'submitIntent: the node stopped');
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const { clock } = this.#context.options;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clock.clearTimer(timer);
        signal?.removeEventListener('abort', done);
        this.#stopped.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = clock.setTimer(clock.now() + ms, done);
      signal?.addEventListener('abort', done, { once: true });
      this.#stopped.signal.addEventListener('abort', done, { once: true });
    });
  }

  async #attempt(
    id: Uint8Array,
    payload: Uint8Array,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<IntentReceipt> {
    const context = this.#context;
    const table = context.table();
    if (table === undefined)
      throw new RequestError(ErrorCode.LeaderNotAvailable, 'no partition table yet');
    const partition = partitionForIntent(id, table.table.numPartitions ?? table.table.size);
    const owner = table.table.ownerOf(partition);
    if (owner === undefined)
      throw new RequestError(ErrorCode.LeaderNotAvailable, `partition ${partition} has no owner`);
    if (owner === context.id) return this.own(partition, id, payload);
    const request: IntentSubmit = {
      type: 'IntentSubmit',
      id,
      partition,
      epoch: table.epoch,
      hops: 0,
      payload,
    };
    const response = await this.#conduit().request(owner, encode(request), {
      timeout: Math.max(1, Math.floor(timeout)),
      ...(signal === undefined ? {} : { signal }),
    });
    return decodeReceipt(response);
  }

  /** Answers an `IntentSubmit` request: delivers it as owner, or forwards it to the owner. */
  async serve(request: IncomingRequest): Promise<Uint8Array> {
    const context = this.#context;
    let message: ReturnType<typeof decode>;
    try {
      message = decode(request.payload);
    } catch (error) {
      throw new RequestError(ErrorCode.CorruptMessage, 'intent: undecodable request', {
        cause: error,
      });
    }
    const from = request.from as NodeId;
    if (message.type === 'IntentOutcomeQuery') return this.#answerOutcome(from, message);
    if (message.type !== 'IntentSubmit')
      throw new RequestError(ErrorCode.InvalidRequest, `intent: unexpected ${message.type}`);
    const table = context.table();
    if (table === undefined || message.epoch > table.epoch)
      context.observedEpoch(from, message.epoch);
    if (table === undefined)
      throw new RequestError(ErrorCode.LeaderNotAvailable, 'no partition table yet');
    const partition = partitionForIntent(message.id, table.table.numPartitions ?? table.table.size);
    const owner = table.table.ownerOf(partition);
    if (owner === context.id)
      return encode(toReceiptMessage(await this.own(partition, message.id, message.payload)));
    if (owner === undefined || message.hops >= MAX_FORWARD_HOPS) {
      throw new RequestError(
        ErrorCode.NotLeaderForPartition,
        `partition ${partition} is not owned here`,
      );
    }
    context.counters.intentsForwarded++;
    const forward: IntentSubmit = {
      ...message,
      partition,
      epoch: table.epoch,
      hops: message.hops + 1,
    };
    try {
      const timeout = Math.max(1, Math.floor(request.deadline - context.options.clock.now()));
      return await this.#conduit().request(owner, encode(forward), { timeout });
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError(ErrorCode.NotLeaderForPartition, `forward to ${owner} failed`, {
        cause: error,
      });
    }
  }

  /**
   * Delivers an intent of a partition this node owns, once per id: accepts it, replicates the
   * segment, then delivers and answers. Rejects with a retriable `RequestError` when the
   * segment is not complete here yet (`LeaderNotAvailable`), a replica did not acknowledge in
   * time (`NotEnoughReplicas`; the id stays accepted here and a retry delivers it) or the
   * partition moved before delivery (`NotLeaderForPartition`), and with the `IntentInDoubt`
   * code for an id an earlier owner accepted and did not mark delivered.
   */
  own(partition: PartitionId, id: Uint8Array, payload: Uint8Array): Promise<IntentReceipt> {
    const context = this.#context;
    const state = context.states.get(partition);
    if (state === undefined || !state.synced || state.role !== 'holder' || this.#draining) {
      return Promise.reject(
        new RequestError(ErrorCode.LeaderNotAvailable, `partition ${partition} is not ready here`),
      );
    }
    const key = intentKey(id);
    const now = context.options.clock.now();
    const inFlight = state.pending.get(key);
    if (inFlight !== undefined) {
      return inFlight.then((receipt) => {
        context.counters.intentsDuplicate++;
        return { ...receipt, duplicate: true };
      });
    }
    const intent: OwnedIntent = { state, partition, id, key, payload };
    let delivery: Promise<IntentReceipt>;
    if (!state.contains(key, now)) {
      state.accept(id, key, now);
      state.undelivered.add(key);
      delivery = this.#replicateThenDeliver(intent);
    } else if (!state.isOpen(key)) {
      context.counters.intentsDuplicate++;
      return Promise.resolve({ partition, owner: context.id, duplicate: true });
    } else if (state.undelivered.has(key) || state.released.delete(key)) {
      // Accepted by this node (now, or when it owned the partition before) and not delivered.
      state.undelivered.add(key);
      delivery = this.#replicateThenDeliver(intent);
    } else {
      delivery = this.#settleOpen(intent);
    }
    const settled = delivery.finally(() => state.pending.delete(key));
    state.pending.set(key, settled);
    return settled;
  }

  #replicateThenDeliver(intent: OwnedIntent): Promise<IntentReceipt> {
    const { state, partition } = intent;
    return this.#replicator.replicate(state).then(
      () => this.#deliverAccepted(intent),
      (error: unknown) => {
        throw error instanceof RequestError && error.code === 'NotLeaderForPartition'
          ? error
          : new RequestError(
              ErrorCode.NotEnoughReplicas,
              `partition ${partition}: replicas did not acknowledge`,
              { cause: error },
            );
      },
    );
  }

  /**
   * An id an earlier owner accepted and did not mark delivered: its previous owner says whether
   * it delivered it (the Delivered record is added here), or releases it to this node, which
   * delivers it; when it cannot say (it crashed, or it never had the id), the intent is in doubt.
   */
  async #settleOpen(intent: OwnedIntent): Promise<IntentReceipt> {
    const context = this.#context;
    const { state, partition, id, key } = intent;
    const outcome = await this.#askPreviousOwner(state, partition, id);
    if (outcome === 'released') {
      state.undelivered.add(key);
      return this.#replicateThenDeliver(intent);
    }
    if (outcome === 'delivered') {
      if (state.isOpen(key)) {
        state.markDelivered(id, key, context.options.clock.now());
        this.#replicator.replicate(state).catch(() => undefined);
      }
      context.counters.intentsDuplicate++;
      return { partition, owner: context.id, duplicate: true };
    }
    context.counters.intentsInDoubt++;
    throw intentInDoubtResponse(partition);
  }

  /** What the partition's previous owner knows of `id` (`unknown` when it cannot be asked). */
  async #askPreviousOwner(
    state: PartitionState,
    partition: PartitionId,
    id: Uint8Array,
  ): Promise<IntentOutcomeKind> {
    const context = this.#context;
    const previous = state.previousOwner;
    if (previous === undefined || previous === context.id || !context.isLive(previous))
      return 'unknown';
    const query: IntentOutcomeQuery = {
      type: 'IntentOutcomeQuery',
      partition,
      id,
      epoch: context.table()?.epoch ?? 0n,
    };
    let response: Uint8Array;
    try {
      response = await this.#conduit().request(previous, encode(query), {
        timeout: context.options.replicationTimeoutMs,
      });
    } catch (error) {
      // A node that does not know the question cannot know the answer.
      if (!context.isLive(previous) || (error instanceof RequestError && !error.retriable))
        return 'unknown';
      throw new RequestError(
        ErrorCode.LeaderNotAvailable,
        `partition ${partition}: its previous owner ${previous} did not say what became of the intent`,
        { cause: error },
      );
    }
    const answer = decodeOrCorrupt(response, 'outcome');
    if (answer.type !== 'IntentOutcome' || answer.partition !== partition)
      throw new RequestError(ErrorCode.CorruptMessage, 'intent: expected an IntentOutcome');
    return answer.outcome;
  }

  /**
   * Answers an owner that asks what became of an id: `released` (once) for an id this node
   * accepted and gave up undelivered, `delivered` for an id marked delivered here, else
   * `unknown`. A node with an older table, or whose table names another owner (itself
   * included), asks to retry.
   */
  #answerOutcome(from: NodeId, query: IntentOutcomeQuery): Uint8Array {
    const context = this.#context;
    const table = context.table();
    if (table === undefined || query.epoch > table.epoch) {
      context.observedEpoch(from, query.epoch);
      throw new RequestError(ErrorCode.LeaderNotAvailable, 'intent outcome: older table here');
    }
    const owner = table.table.ownerOf(query.partition);
    if (owner !== from) {
      // Only the owner in this node's table is told (and handed an intent over): no other peer
      // can make this node forget what it released.
      throw new RequestError(
        ErrorCode.NotLeaderForPartition,
        `intent outcome: partition ${query.partition} is owned by ${owner ?? 'nobody'} here, not by ${from}`,
      );
    }
    const state = context.states.get(query.partition);
    const key = intentKey(query.id);
    let outcome: IntentOutcomeKind = 'unknown';
    if (state?.released.delete(key) === true) outcome = 'released';
    else if (state?.contains(key, context.options.clock.now()) === true && !state.isOpen(key))
      outcome = 'delivered';
    return encode({ type: 'IntentOutcome', partition: query.partition, outcome });
  }

  /**
   * Delivers an accepted intent whose record every replica holds, unless the partition moved
   * meanwhile, and records the delivery (replicated by a round of its own, not awaited).
   */
  #deliverAccepted(intent: OwnedIntent): IntentReceipt {
    const { state, partition, id, key, payload } = intent;
    const context = this.#context;
    if (!state.undelivered.delete(key)) {
      throw new RequestError(
        ErrorCode.NotLeaderForPartition,
        `partition ${partition} moved before the intent was delivered`,
      );
    }
    context.counters.intentsDelivered++;
    this.#deliver(id.slice(), partition, payload.slice());
    state.markDelivered(id, key, context.options.clock.now());
    this.#replicator.replicate(state).catch(() => undefined);
    return { partition, owner: context.id, duplicate: false };
  }
}

function isRetriable(error: unknown): boolean {
  if (error instanceof RequestError) return error.retriable;
  return error instanceof TalaError && RETRIABLE_CODES.has(error.code);
}

function checkSubmission(id: unknown, payload: unknown, options: SubmitIntentOptions): void {
  if (!(id instanceof Uint8Array) || id.length !== INTENT_ID_LENGTH) {
    throw new TalaError(
      'InvalidArgument',
      `submitIntent: expected a 16-byte Uint8Array id, found ${id instanceof Uint8Array ? `${id.length} bytes` : typeof id}`,
    );
  }
  if (!(payload instanceof Uint8Array)) {
    throw new TalaError(
      'InvalidArgument',
      `submitIntent: expected a Uint8Array payload, found ${typeof payload}`,
    );
  }
  const timeout = options.timeout;
  if (
    timeout !== undefined &&
    (!Number.isInteger(timeout) || timeout < 1 || timeout > 2_147_483_647)
  ) {
    throw new TalaError(
      'InvalidArgument',
      `submitIntent: timeout must be an integer in 1 … 2^31 − 1, found ${timeout}`,
    );
  }
}

function toReceiptMessage(receipt: IntentReceipt) {
  return { type: 'IntentReceipt' as const, ...receipt };
}

function decodeReceipt(bytes: Uint8Array): IntentReceipt {
  const message = decodeOrCorrupt(bytes, 'receipt');
  if (message.type !== 'IntentReceipt')
    throw new RequestError(ErrorCode.CorruptMessage, `intent: unexpected ${message.type}`);
  return { partition: message.partition, owner: message.owner, duplicate: message.duplicate };
}

/** Decodes a response, or throws a `RequestError` (`CorruptMessage`) naming `what`. */
function decodeOrCorrupt(bytes: Uint8Array, what: string): ReturnType<typeof decode> {
  try {
    return decode(bytes);
  } catch (error) {
    throw new RequestError(ErrorCode.CorruptMessage, `intent: undecodable ${what}`, {
      cause: error,
    });
  }
}
