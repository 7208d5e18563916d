import { describeBrowserSafety } from '../../../testing/browser-safety.js';

/** Runs in the sandbox: advertises, negotiates, decodes a forged header; reports as JSON. */
const SCENARIO = `
  const { CapabilityAd, CapabilityRegistry, uint32Capability } = capability;
  const local = new CapabilityRegistry().register(uint32Capability('framing', [1, 2]));
  const peer = new CapabilityRegistry().register(uint32Capability('framing', [1, 2]));
  const bytes = local.localAdvertisement().encode();
  const seen = [];
  local.addEventListener('change', (event) => seen.push(event.name + ':' + event.value));
  local.negotiate(types.NodeId(2), CapabilityAd.decode(peer.localAdvertisement().encode()));
  let error;
  try { CapabilityAd.decode(new Uint8Array([0x43, 0x41, 0x50, 1, 255, 255, 255, 255])); } catch (e) { error = e.code; }
  JSON.stringify({
    hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
    value: local.valueFor(types.NodeId(2), 'framing'),
    seen,
    error,
    globals: [typeof Buffer, typeof process, typeof require, typeof setTimeout],
  });
`;

const EXPECTED = {
  hex: '434150010100000007006672616d696e67020004000000010000000400000002000000',
  value: 2,
  seen: ['framing:2'],
  error: 'TooManyEntries',
  globals: ['undefined', 'undefined', 'undefined', 'undefined'],
};

describeBrowserSafety({
  testFileUrl: import.meta.url,
  globalName: 'capability',
  scenario: SCENARIO,
  expected: EXPECTED,
});
