export { channelId, MAX_CHANNEL_NAME_LENGTH } from './channel-id.js';
export {
  EMPTY_METADATA,
  MAX_METADATA_BYTES,
  MAX_METADATA_ENTRIES,
  MAX_METADATA_KEY_BYTES,
  type Metadata,
  type MetadataInit,
} from './metadata.js';
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
