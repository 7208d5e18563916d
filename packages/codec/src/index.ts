export { DEFAULT_MAX_FRAME_BYTES, type DecodeOptions } from './codec-options.js';
export { decode } from './decode.js';
export { encode, encodeInto } from './encode.js';
export { encodedLength } from './encoded-length.js';
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
