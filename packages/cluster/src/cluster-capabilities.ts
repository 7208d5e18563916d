import { CapabilityRegistry, uint32Capability } from '@tala-net/capability';

/**
 * The cluster protocol's own capability, `tala.cluster`: the versions of the cluster's messages
 * (tags 0x50–0x5f) a node speaks, negotiated with each peer at the handshake. Version 1 is the
 * only one so far and the floor; a later version is used with a peer only once both ends
 * advertise it, so that a cluster can be upgraded one node at a time.
 */
export const CLUSTER_PROTOCOL_CAPABILITY = uint32Capability('tala.cluster', [1]);

/**
 * The capability registry a node negotiates with: `registry` (the application's, with its own
 * capabilities) with {@link CLUSTER_PROTOCOL_CAPABILITY} added unless it already has a
 * capability of that name, or a new registry of the cluster's capability alone.
 */
export function clusterCapabilities(
  registry: CapabilityRegistry<Record<string, unknown>> | undefined,
): CapabilityRegistry<Record<string, unknown>> {
  if (registry === undefined) {
    return new CapabilityRegistry().register(CLUSTER_PROTOCOL_CAPABILITY);
  }
  if (!registry.names().includes(CLUSTER_PROTOCOL_CAPABILITY.name)) {
    registry.register(CLUSTER_PROTOCOL_CAPABILITY);
  }
  return registry;
}
