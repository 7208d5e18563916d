/**
 * Capability advertisements (`CAP`) and per-peer negotiation of capability values, for rolling
 * upgrades. Browser-safe.
 *
 * @module @tala-net/capability
 */
export type { Capability, ValueOf } from './capability.js';
export { CapabilityAd } from './capability-ad.js';
export { CapabilityChangeEvent } from './capability-change-event.js';
export type { CapabilityEntry } from './capability-entry.js';
export { CapabilityRegistry, type CapabilityRegistryEvents } from './capability-registry.js';
export {
  type CapabilityDefinition,
  defineCapability,
  highestCommon,
  uint32Capability,
} from './define-capability.js';
export { CapabilityErrorCode } from './error-codes.js';
export {
  FORMAT_VERSION,
  MAX_ENCODED_BYTES,
  MAX_ENTRIES,
  MAX_NAME_BYTES,
  MAX_VALUE_BYTES,
  MAX_VALUES,
} from './limits.js';
