import { describeBrowserSafety } from '../../../testing/browser-safety.js';

/** Runs in the sandbox: encodes, decodes and streams, and reports what it saw as JSON. */
const SCENARIO = `
  const { encode, encodeInto, encodedLength, decode, FrameDecoder } = codec;
  const ping = { type: 'Ping', from: types.NodeId(42), seq: 7n };
  const bytes = encode(ping);
  const back = decode(bytes);
  const batch = new Uint8Array(3 * encodedLength(ping));
  for (let i = 0, at = 0; i < 3; i++) at += encodeInto(ping, batch, at);
  const decoder = new FrameDecoder();
  const streamed = [...decoder.push(batch.subarray(0, 30)), ...decoder.push(batch.subarray(30))];
  const segment = decode(encode({ type: 'SegmentSync', partition: 1, segmentData: new Uint8Array(10) }));
  let error;
  try { decode(new Uint8Array([7, 0, 0, 0, 0])); } catch (e) { error = e.code; }
  JSON.stringify({
    hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
    from: String(back.from),
    streamed: streamed.map((m) => m.type + ':' + m.seq),
    zeroCopy: segment.segmentData.length === 10,
    error,
    globals: [typeof Buffer, typeof process, typeof require, typeof setTimeout],
  });
`;

const EXPECTED = {
  hex: '01100000002a000000000000000700000000000000',
  from: '42',
  streamed: ['Ping:7', 'Ping:7', 'Ping:7'],
  zeroCopy: true,
  error: 'SegmentCorrupted',
  globals: ['undefined', 'undefined', 'undefined', 'undefined'],
};

describeBrowserSafety({
  testFileUrl: import.meta.url,
  globalName: 'codec',
  scenario: SCENARIO,
  expected: EXPECTED,
});
