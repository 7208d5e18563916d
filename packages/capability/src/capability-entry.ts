/**
 * One entry of a {@link CapabilityAd}: a capability name and the encoded values its sender
 * supports, from lowest to highest preference.
 */
export interface CapabilityEntry {
  /** ASCII name, at most 256 bytes. */
  readonly name: string;
  /** Encoded values, each at most 16 KiB, lowest preference first. */
  readonly supported: readonly Uint8Array[];
}
