export { channelId, MAX_CHANNEL_NAME_LENGTH } from './channel-id.js';
export type {
  ChannelDropCause,
  ChannelDrops,
  ChannelMetrics,
  NetworkMetrics,
} from './channel-metrics.js';
export { Conduit, type RequestOptions } from './conduit.js';
export { ErrorCode, type ErrorCodeName, errorCodeName, isRetriable } from './error-code.js';
export {
  EMPTY_METADATA,
  MAX_METADATA_BYTES,
  MAX_METADATA_ENTRIES,
  MAX_METADATA_KEY_BYTES,
  type Metadata,
  type MetadataEntries,
  type MetadataInit,
} from './metadata.js';
export {
  Network,
  type NetworkEventMap,
  type NetworkStartOptions,
  PROTOCOL_VERSION,
} from './network.js';
export type { NetworkDropCause } from './network-instruments.js';
export {
  type ChannelMessage,
  type ChannelRequest,
  type ChannelResponse,
  channelMessageMessage,
  channelRequestMessage,
  channelResponseMessage,
  MAX_ERROR_MESSAGE_BYTES,
  networkMessages,
  registerNetworkMessages,
} from './network-messages.js';
export type { NetworkOptions } from './network-options.js';
export type { IncomingMessage, IncomingRequest, Processor } from './processor.js';
export { RequestError } from './request-error.js';
export type { RetryOptions } from './retry.js';
export type { SendOptions, SendResult } from './send-result.js';
