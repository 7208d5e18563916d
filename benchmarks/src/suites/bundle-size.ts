import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Suite } from '../suite.js';

/*
 * What each codec adds to a browser bundle: a small program that encodes and decodes one
 * Ping-shaped message, bundled with esbuild for the browser (ESM, minified, tree-shaken), then
 * gzipped at level 9. The tala-net codec is the published build (`dist/`); protobufjs is its
 * minimal runtime with hand-written static code for the message (what `pbjs -t static` emits:
 * the smallest protobufjs build), msgpackr its `pack` / `unpack`. Sizes are deterministic for a
 * given version of each library and of esbuild, so one run is enough.
 */

const here = dirname(fileURLToPath(import.meta.url));

interface Program {
  readonly name: string;
  readonly note: string;
  readonly code: string;
}

const programs: readonly Program[] = [
  {
    name: 'tala-net codec: Ping round trip',
    note: '`encode` + `decode` (the default registry with the six reference kinds)',
    code: `
      import { decode, encode, NodeId } from '@tala-net/codec';
      const bytes = encode({ type: 'Ping', from: NodeId(42), seq: 1n });
      console.log(decode(bytes));
    `,
  },
  {
    name: 'tala-net codec: everything',
    note: 'every export of `@tala-net/codec`, `FrameDecoder` and the registry included',
    code: `
      import * as codec from '@tala-net/codec';
      console.log(codec);
    `,
  },
  {
    name: 'protobufjs/minimal: Ping round trip',
    note: 'the minimal runtime and static code for one message (`fixed64 from = 1; uint64 seq = 2`)',
    code: `
      import protobuf from 'protobufjs/minimal.js';
      const { Reader, Writer } = protobuf;
      function encodePing(message) {
        const writer = Writer.create();
        writer.uint32(9).fixed64(message.from);
        writer.uint32(16).uint64(message.seq);
        return writer.finish();
      }
      function decodePing(bytes) {
        const reader = Reader.create(bytes);
        const message = { from: 0, seq: 0 };
        while (reader.pos < reader.len) {
          const tag = reader.uint32();
          switch (tag >>> 3) {
            case 1: message.from = reader.fixed64(); break;
            case 2: message.seq = reader.uint64(); break;
            default: reader.skipType(tag & 7);
          }
        }
        return message;
      }
      console.log(decodePing(encodePing({ from: 42, seq: 1 })));
    `,
  },
  {
    name: 'msgpackr: Ping round trip',
    note: '`pack` + `unpack`',
    code: `
      import { pack, unpack } from 'msgpackr';
      console.log(unpack(pack({ type: 'Ping', from: 42n, seq: 1n })));
    `,
  },
];

interface Size {
  readonly name: string;
  readonly note: string;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
}

async function measure(program: Program): Promise<Size> {
  const result = await build({
    stdin: { contents: program.code, loader: 'js', resolveDir: here },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  return {
    name: program.name,
    note: program.note,
    minifiedBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
  };
}

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;

const suite: Suite = {
  name: 'bundle-size',
  async run() {
    const sizes: Size[] = [];
    for (const program of programs) sizes.push(await measure(program));
    const codec = sizes[0]!.gzipBytes;
    const rows = sizes.map(
      (size) =>
        `| ${size.name} | ${kb(size.minifiedBytes)} | ${kb(size.gzipBytes)} | ${(size.gzipBytes / codec).toFixed(2)}× | ${size.note} |`,
    );
    const markdown = [
      'A program that encodes and decodes one Ping-shaped message, bundled for the browser with',
      'esbuild (ESM, minified, tree-shaken) and gzipped at level 9 (1 KB = 1,000 bytes).',
      '',
      '| bundle | minified | min + gzip | gzip ÷ tala-net round trip | what it holds |',
      '| --- | ---: | ---: | ---: | --- |',
      ...rows,
    ].join('\n');
    return {
      title: 'Bundle size: codec vs protobufjs/minimal and msgpackr',
      markdown,
      data: sizes,
    };
  },
};

export default suite;
