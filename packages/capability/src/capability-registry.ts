import { type NodeId, SafeEventTarget, TalaError } from '@tala-net/types';
import { isAsciiName } from './ascii-name.js';
import type { Capability } from './capability.js';
import { CapabilityAd } from './capability-ad.js';
import { CapabilityChangeEvent } from './capability-change-event.js';
import { MAX_ENTRIES, MAX_NAME_BYTES, MAX_VALUE_BYTES, MAX_VALUES } from './limits.js';

/** A value's identity: its encoded bytes as a string, one character per byte. */
function keyOf(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

/** A registered capability with its local values already encoded. */
interface Registered {
  readonly capability: Capability<unknown>;
  readonly encoded: readonly Uint8Array[];
  /** Key of each local value → its index in `supported`. */
  readonly indexOfKey: ReadonlyMap<string, number>;
}

/** What was negotiated for one capability with one peer. */
interface Negotiated {
  /** Index of the value used, in the local supported list. */
  readonly index: number;
  /** Keys of the peer's values that decoded. */
  readonly peerKeys: ReadonlySet<string>;
}

function invalid(message: string): never {
  throw new TalaError('InvalidArgument', message);
}

function encodeSupported(capability: Capability<unknown>): Registered {
  const { name, supported } = capability;
  const methods = [capability.merge, capability.encodeValue, capability.decodeValue];
  if (methods.some((method) => typeof method !== 'function')) {
    invalid(`register: ${name} needs merge, encodeValue and decodeValue functions`);
  }
  if (!Array.isArray(supported) || supported.length === 0 || supported.length > MAX_VALUES) {
    invalid(`register: ${name} must support 1 … ${MAX_VALUES} values (the first is the floor)`);
  }
  const encoded = supported.map((value) => capability.encodeValue(value));
  const indexOfKey = new Map<string, number>();
  encoded.forEach((bytes, index) => {
    if (!(bytes instanceof Uint8Array) || bytes.length > MAX_VALUE_BYTES) {
      invalid(`register: ${name} encodes a value to more than ${MAX_VALUE_BYTES} bytes`);
    }
    if (!indexOfKey.has(keyOf(bytes))) indexOfKey.set(keyOf(bytes), index);
  });
  return { capability, encoded, indexOfKey };
}

/** The events of a {@link CapabilityRegistry}. */
export interface CapabilityRegistryEvents<Peer = NodeId> {
  /** The value used with a peer for a capability changed. */
  change: CapabilityChangeEvent<Peer>;
}

/**
 * The capabilities of this node and what was negotiated with each peer. Every peer has its own
 * negotiated values: a connection to an old node never lowers what is used with a new one.
 *
 * `register` returns the registry typed with the new capability, so that `valueFor` and
 * `clusterValue` return the capability's value type. A listener of `change` that throws is
 * counted in `listenerErrors` and reported as an `error` event.
 *
 * @typeParam Caps - capability name → value type, grown by `register`.
 * @typeParam Peer - how peers are identified (a node id, a connection, …).
 *
 * @example
 * ```ts
 * const registry = new CapabilityRegistry().register(uint32Capability('framing', [1, 2]));
 * const peer = NodeId(2);
 * registry.valueFor(peer, 'framing'); // 1, the floor
 * registry.negotiate(peer, peerAd);
 * registry.valueFor(peer, 'framing'); // 2 if the peer advertised it
 * ```
 */
export class CapabilityRegistry<
  Caps extends Record<string, unknown> = Record<never, never>,
  Peer = NodeId,
> extends SafeEventTarget<CapabilityRegistryEvents<Peer>> {
  readonly #registered = new Map<string, Registered>();
  readonly #peers = new Map<Peer, Map<string, Negotiated>>();

  /**
   * Registers `capability` (or replaces the one of that name, resetting what was negotiated
   * for it with every peer to its floor). Peers negotiated before use its floor until they
   * negotiate again. Throws `InvalidArgument` for a name that is empty, not ASCII or over 256
   * characters, an empty supported list, a missing `merge`, `encodeValue` or `decodeValue`, a
   * value that encodes to more than 16 KiB, or a 1,025th capability.
   */
  register<V, N extends string>(
    capability: Capability<V, N>,
  ): CapabilityRegistry<Caps & Record<N, V>, Peer> {
    const name = capability?.name;
    if (!isAsciiName(name) || name.length === 0) {
      invalid(`register: a capability name must be 1 … ${MAX_NAME_BYTES} ASCII characters`);
    }
    if (!this.#registered.has(name) && this.#registered.size >= MAX_ENTRIES) {
      invalid(`register: at most ${MAX_ENTRIES} capabilities`);
    }
    const registered = encodeSupported(capability as Capability<unknown>);
    const replaced = this.#registered.has(name);
    const previous = replaced
      ? [...this.#peers.keys()].map((peer) => [peer, this.#valueWith(peer, name)] as const)
      : [];
    this.#registered.set(name, registered);
    for (const [peer, value] of previous) {
      this.#peers.get(peer)?.delete(name);
      this.#announce(peer, name, value);
    }
    return this as unknown as CapabilityRegistry<Caps & Record<N, V>, Peer>;
  }

  /** The names registered, in alphabetical order. */
  names(): string[] {
    return [...this.#registered.keys()].sort(byName);
  }

  /** This node's advertisement: every capability with its supported values, by name. */
  localAdvertisement(): CapabilityAd {
    return CapabilityAd.fromEntries(
      this.names().map((name) => ({ name, supported: this.#registered.get(name)!.encoded })),
    );
  }

  /**
   * Negotiates every registered capability with `peer` from its advertisement and stores the
   * result for this peer only. Peer values that do not decode are dropped; a capability the
   * peer does not advertise, or with no common value, uses the floor. Returns the values now
   * used with the peer. Nothing is stored if a capability's `decodeValue` or `merge` throws.
   */
  negotiate(peer: Peer, ad: CapabilityAd): { readonly [K in keyof Caps]: Caps[K] } {
    if (!(ad instanceof CapabilityAd)) invalid('negotiate: expected a CapabilityAd');
    const results = new Map<string, Negotiated>();
    for (const [name, registered] of this.#registered) {
      results.set(name, negotiateOne(registered, ad.find(name)?.supported ?? []));
    }
    const before = new Map([...results.keys()].map((name) => [name, this.#valueWith(peer, name)]));
    this.#peers.set(peer, results);
    for (const [name, value] of before) this.#announce(peer, name, value);
    return this.#valuesWith(peer);
  }

  /** The value to use with `peer` for capability `name`: the floor before any negotiation. */
  valueFor<K extends keyof Caps & string>(peer: Peer, name: K): Caps[K] {
    this.#registeredAs(name);
    return this.#valueWith(peer, name) as Caps[K];
  }

  /** Whether a negotiation with `peer` is stored. */
  hasNegotiated(peer: Peer): boolean {
    return this.#peers.has(peer);
  }

  /** Drops what was negotiated with `peer` (e.g. when its connection closes). */
  forget(peer: Peer): void {
    const before = [...this.#registered.keys()].map(
      (name) => [name, this.#valueWith(peer, name)] as const,
    );
    if (!this.#peers.delete(peer)) return;
    for (const [name, value] of before) this.#announce(peer, name, value);
  }

  /**
   * The value to use with every peer of `peers` at once for capability `name`: the merge of
   * the local values with the values all of them advertised. A feature is on cluster-wide
   * only when every listed peer has negotiated it; if one has not negotiated yet, this is the
   * floor. With no peers at all, it is the best local value.
   */
  clusterValue<K extends keyof Caps & string>(name: K, peers: Iterable<Peer>): Caps[K] {
    const registered = this.#registeredAs(name);
    const { capability } = registered;
    let common = capability.supported.map((_, index) => index);
    for (const peer of peers) {
      const negotiated = this.#peers.get(peer)?.get(name);
      if (negotiated === undefined) return capability.supported[0] as Caps[K];
      common = common.filter((index) => negotiated.peerKeys.has(keyOf(registered.encoded[index]!)));
    }
    const values = common.map((index) => capability.supported[index]);
    return capability.supported[
      localIndex(registered, capability.merge(capability.supported, values))
    ] as Caps[K];
  }

  #registeredAs(name: string): Registered {
    const registered = this.#registered.get(name);
    if (registered === undefined)
      invalid(`no capability named ${JSON.stringify(name)} is registered`);
    return registered;
  }

  #valueWith(peer: Peer, name: string): unknown {
    const registered = this.#registered.get(name)!;
    return registered.capability.supported[this.#peers.get(peer)?.get(name)?.index ?? 0];
  }

  #valuesWith(peer: Peer): { readonly [K in keyof Caps]: Caps[K] } {
    const values: Record<string, unknown> = {};
    for (const name of this.#registered.keys()) values[name] = this.#valueWith(peer, name);
    return values as { readonly [K in keyof Caps]: Caps[K] };
  }

  #announce(peer: Peer, name: string, previous: unknown): void {
    const value = this.#valueWith(peer, name);
    if (!Object.is(value, previous))
      this.dispatchEvent(new CapabilityChangeEvent(peer, name, previous, value));
  }
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index in the local list of the value `merge` returned (by encoding); the floor otherwise. */
function localIndex(registered: Registered, value: unknown): number {
  if (value === undefined) return 0;
  return registered.indexOfKey.get(keyOf(registered.capability.encodeValue(value))) ?? 0;
}

function negotiateOne(registered: Registered, peerBytes: readonly Uint8Array[]): Negotiated {
  const { capability } = registered;
  const peerValues: unknown[] = [];
  const peerKeys = new Set<string>();
  for (const bytes of peerBytes) {
    const value = capability.decodeValue(bytes);
    if (value === undefined) continue;
    peerValues.push(value);
    peerKeys.add(keyOf(bytes));
  }
  return {
    index: localIndex(registered, capability.merge(capability.supported, peerValues)),
    peerKeys,
  };
}
