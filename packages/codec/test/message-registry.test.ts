import { type NodeId, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { expectTalaError } from '../../../testing/expect-tala-error.js';
import {
  checkU64,
  decode,
  defaultRegistry,
  defineMessage,
  encode,
  encodedLength,
  FrameDecoder,
  MessageRegistry,
  pingMessage,
  readU64,
  referenceMessages,
  writeU64,
  wrongLength,
} from '../src/index.js';

/** A message kind of an application, in the private-use range. */
interface Greeting {
  readonly type: 'Greeting';
  readonly from: NodeId;
}

declare module '@tala-net/types' {
  interface MessageMap {
    Greeting: Greeting;
  }
}

const greeting = defineMessage({
  tag: 0xf0,
  type: 'Greeting',
  owner: 'greeting-app',
  payloadLength: () => 8,
  checkedPayloadLength(message) {
    checkU64(message.from, 'Greeting', 'from');
    return 8;
  },
  writePayload: (message, bytes, at) => writeU64(bytes, at, message.from),
  readPayload(bytes, frameStart, end) {
    const length = end - frameStart - 5;
    if (length !== 8) throw wrongLength('Greeting', length, 8);
    return { type: 'Greeting', from: readU64(bytes, frameStart + 5) as NodeId };
  },
});

describe('MessageRegistry', () => {
  it('holds the reference six by default, in tag order', () => {
    expect(defaultRegistry.definitions().slice(0, 6)).toEqual([...referenceMessages]);
    expect(referenceMessages.map((d) => [d.tag, d.type])).toEqual([
      [1, 'Ping'],
      [2, 'Pong'],
      [3, 'IntentForward'],
      [4, 'SegmentSync'],
      [5, 'MembershipUpdate'],
      [6, 'PartitionTableUpdate'],
    ]);
  });

  it('encodes and decodes a kind defined outside the codec, through the registry given', () => {
    const registry = new MessageRegistry().register(...referenceMessages, greeting);
    const message: Greeting = { type: 'Greeting', from: 42n as NodeId };
    const bytes = encode(message, { registry });
    expect(Array.from(bytes)).toEqual([0xf0, 8, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0]);
    expect(encodedLength(message, { registry })).toBe(13);
    expect(decode(bytes, { registry })).toEqual(message);
    expect(new FrameDecoder({ registry }).push(bytes)).toEqual([message]);
    // The default registry does not know it: encode refuses, a stream skips it.
    expectTalaError('InvalidArgument', () => encode(message));
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes)).toEqual([]);
    expect(decoder.skippedFrames).toBe(1);
  });

  it('refuses a second owner of a tag or a type, naming both owners', () => {
    const registry = new MessageRegistry().register(greeting);
    const sameTag = defineMessage({ ...pingMessage, tag: 0xf0, owner: 'other-app' });
    const error = expectTalaError('DuplicateMessage', () => registry.register(sameTag));
    expect(error.message).toBe(
      'cannot register Ping (tag 0xf0) of other-app: Greeting (tag 0xf0) of greeting-app is already registered',
    );
    const sameType = defineMessage({ ...greeting, tag: 0xf1, owner: 'other-app' });
    expect(expectTalaError('DuplicateMessage', () => registry.register(sameType)).message).toMatch(
      /Greeting \(tag 0xf1\) of other-app: Greeting \(tag 0xf0\) of greeting-app/,
    );
    expect(registry.definitionOfTag(0xf1)).toBeUndefined();
  });

  it('validates what it registers, before registering anything', () => {
    const registry = new MessageRegistry();
    for (const bad of [
      null,
      { ...greeting, tag: 257 },
      { ...greeting, tag: 1.5 },
      { ...greeting, type: '' },
    ]) {
      expectTalaError('InvalidArgument', () => registry.register(pingMessage, bad as never));
    }
    expect(registry.definitions()).toEqual([]);
  });

  it('is one default registry per process, shared by every copy of the codec', async () => {
    // A second instance of the module, as the package's CJS build or a second install loads it.
    const path: string = '../src/default-registry.js?copy';
    const copy = (await import(
      /* @vite-ignore */ path
    )) as typeof import('../src/default-registry.js');
    expect(copy.defaultRegistry).toBe(defaultRegistry);
    expect(defaultRegistry.definitionOfTag(1)?.type).toBe('Ping');
  });

  it('accepts the same definition again from the same owner (two copies of a package)', () => {
    const registry = new MessageRegistry().register(greeting);
    registry.register(defineMessage({ ...greeting }));
    expect(registry.definitions()).toHaveLength(1);
  });

  it('validates definitions', () => {
    expectTalaError('InvalidArgument', () => defineMessage({ ...greeting, tag: 0 }));
    expectTalaError('InvalidArgument', () => defineMessage({ ...greeting, tag: 256 }));
    expectTalaError('InvalidArgument', () => defineMessage({ ...greeting, owner: '' }));
    expectTalaError('InvalidArgument', () =>
      defineMessage({ ...greeting, readPayload: undefined as never }),
    );
    expect(Object.isFrozen(greeting)).toBe(true);
    expect(new TalaError('DuplicateMessage', 'x').code).toBe('DuplicateMessage');
  });
});
