/**
 * Dispatched as `change` by a {@link CapabilityRegistry} when the value it uses for one
 * capability with one peer changes: after a negotiation, after `forget` (back to the floor) or
 * when a capability is registered again (its negotiations are reset).
 */
export class CapabilityChangeEvent<Peer = unknown> extends Event {
  /** The peer whose value changed. */
  readonly peer: Peer;
  /** The capability's name. */
  readonly name: string;
  /** The value used with the peer before. */
  readonly previous: unknown;
  /** The value used with the peer from now on. */
  readonly value: unknown;

  constructor(peer: Peer, name: string, previous: unknown, value: unknown) {
    super('change');
    this.peer = peer;
    this.name = name;
    this.previous = previous;
    this.value = value;
  }
}
