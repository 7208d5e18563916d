import type { NodeId, Random } from '@tala-net/types';
import { TalaError } from '@tala-net/types';
import { type SwimConfig, swimConfig } from './swim-config.js';
import { type MutableUpdate, readUpdateInto } from './swim-message-checks.js';
import type { MemberUpdate } from './swim-messages.js';
import { isWireAddress, isWireU64, MAX_INCARNATION } from './swim-wire.js';

/** Options of a {@link SwimEngine}. */
export interface SwimEngineOptions {
  /** This node's id. */
  readonly id: NodeId;
  /** Source of every random choice (probe order, relays, push-pull partner). */
  readonly random: Random;
  /**
   * Protocol tuning, validated like {@link swimConfig}'s overrides.
   * @default swimConfig('lan')
   */
  readonly config?: SwimConfig;
  /**
   * This node's opaque transport address, gossiped to the others (at most `maxAddressBytes`).
   * @default an empty address
   */
  readonly address?: Uint8Array;
  /**
   * Members to contact on `start` (push-pull) and, whenever they are not known to be live,
   * during healing (for good: a partition may outlast `reclaimTime`).
   * @default []
   */
  readonly seeds?: readonly NodeId[];
  /**
   * Members known from the start (a static bootstrap, at most `maxMembers` besides this node);
   * updates about this node are ignored. Like seeds, they stay healing candidates whenever they
   * are not known to be live.
   * @default []
   */
  readonly members?: readonly MemberUpdate[];
  /**
   * Incarnation to start with (at most {@link MAX_INCARNATION}). A restarted node may start at
   * 0: it learns its previous incarnation from the others and rises above it.
   * @default 0n
   */
  readonly incarnation?: bigint;
}

/** {@link SwimEngineOptions} checked, with their defaults, and copied. */
export interface CheckedEngineOptions {
  readonly id: NodeId;
  readonly random: Random;
  readonly config: SwimConfig;
  readonly address: Uint8Array;
  readonly seeds: readonly NodeId[];
  readonly members: readonly MemberUpdate[];
  readonly incarnation: bigint;
}

/**
 * Checks a `SwimEngine`'s options with the checks applied to received messages (u64 ids and
 * incarnations, wire-typed member updates) and the configured limits, reading each option once.
 * Throws a `TalaError` with code `InvalidArgument` naming the first bad option.
 */
export function checkEngineOptions(options: SwimEngineOptions): CheckedEngineOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  try {
    return checkFields(options);
  } catch (error) {
    if (error instanceof TalaError) throw error;
    // A getter or proxy that throws: the options cannot be read.
    return invalid('options', 'readable values', options);
  }
}

function checkFields(options: SwimEngineOptions): CheckedEngineOptions {
  const { id, random, config, address, seeds, members, incarnation } = options;
  if (!isWireU64(id)) invalid('id', 'a bigint in 0 … 2^64 − 1', id);
  if (!isRandom(random)) invalid('random', 'a Random (next and nextInt)', random);
  const checkedConfig = checkConfig(config);
  return {
    id,
    random,
    config: checkedConfig,
    address: checkAddress(address, checkedConfig),
    seeds: checkSeeds(seeds),
    members: checkMembers(members, checkedConfig),
    incarnation: checkIncarnation(incarnation),
  };
}

function checkConfig(config: SwimConfig | undefined): SwimConfig {
  if (config === undefined) return swimConfig('lan');
  if (typeof config !== 'object' || config === null) invalid('config', 'a SwimConfig', config);
  return swimConfig('lan', config);
}

function checkAddress(address: Uint8Array | undefined, config: SwimConfig): Uint8Array {
  if (address === undefined) return new Uint8Array(0);
  if (!isWireAddress(address) || address.length > config.maxAddressBytes) {
    invalid('address', `a Uint8Array of at most ${config.maxAddressBytes} bytes`, address);
  }
  return address.slice();
}

function checkIncarnation(incarnation: bigint | undefined): bigint {
  if (incarnation === undefined) return 0n;
  if (!isWireU64(incarnation) || incarnation > MAX_INCARNATION) {
    invalid('incarnation', 'a bigint in 0 … 2^64 − 2', incarnation);
  }
  return incarnation;
}

function checkSeeds(seeds: readonly NodeId[] | undefined): NodeId[] {
  if (seeds === undefined) return [];
  if (!Array.isArray(seeds)) invalid('seeds', 'an array of node ids', seeds);
  const checked: NodeId[] = [];
  for (let i = 0; i < seeds.length; i++) {
    const seed: unknown = seeds[i];
    if (!isWireU64(seed)) invalid(`seeds[${i}]`, 'a bigint in 0 … 2^64 − 1', seed);
    checked.push(seed as NodeId);
  }
  return checked;
}

function checkMembers(
  members: readonly MemberUpdate[] | undefined,
  config: SwimConfig,
): MemberUpdate[] {
  if (members === undefined) return [];
  if (!Array.isArray(members)) invalid('members', 'an array of member updates', members);
  // This node may be listed too.
  if (members.length > config.maxMembers + 1) {
    invalid('members', `at most maxMembers (${config.maxMembers}) others`, members.length);
  }
  const checked: MemberUpdate[] = [];
  const read: MutableUpdate = {
    node: 0n as NodeId,
    state: 'Alive',
    incarnation: 0n,
    address: EMPTY_ADDRESS,
    accuser: undefined,
  };
  for (let i = 0; i < members.length; i++) {
    const member = members[i];
    if (
      !readUpdateInto(member, read) ||
      read.incarnation > MAX_INCARNATION ||
      read.address.length > config.maxAddressBytes
    ) {
      invalid(`members[${i}]`, 'a member update within the limits', member);
    }
    checked.push(ownUpdate(member as object, read));
  }
  return checked;
}

/**
 * The engines' own frozen copies of the members given to them with an empty address, by the
 * object given: engines started from one list (a thousand nodes of a simulation) share one copy
 * of each member instead of holding a thousand.
 */
const sharedUpdates = new WeakMap<object, MemberUpdate>();

/**
 * An update of the engine's own with the fields of `read` (read from `member`): a new object
 * with a copy of the address, or, for an empty address, the frozen copy made for the same
 * `member` before if it has the same fields (an engine never changes an update it holds).
 */
function ownUpdate(member: object, read: MutableUpdate): MemberUpdate {
  const { node, state, incarnation, accuser } = read;
  if (read.address.length > 0) {
    const address = read.address.slice();
    return accuser === undefined
      ? { node, state, incarnation, address }
      : { node, state, incarnation, address, accuser };
  }
  const shared = sharedUpdates.get(member);
  if (
    shared !== undefined &&
    shared.node === node &&
    shared.state === state &&
    shared.incarnation === incarnation &&
    shared.accuser === accuser
  ) {
    return shared;
  }
  const update: MemberUpdate = Object.freeze(
    accuser === undefined
      ? { node, state, incarnation, address: EMPTY_ADDRESS }
      : { node, state, incarnation, address: EMPTY_ADDRESS, accuser },
  );
  sharedUpdates.set(member, update);
  return update;
}

const EMPTY_ADDRESS = new Uint8Array(0);

function isRandom(random: unknown): random is Random {
  if (typeof random !== 'object' || random === null) return false;
  const candidate = random as Partial<Random>;
  return typeof candidate.next === 'function' && typeof candidate.nextInt === 'function';
}

function invalid(option: string, expected: string, found: unknown): never {
  throw new TalaError(
    'InvalidArgument',
    `SwimEngine: option ${option} must be ${expected}, found ${describe(found)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
