import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesDir = join(packageDir, '..', 'types');

/** Node-only things a browser build must not touch (looked for in code, comments removed). */
const NODE_ONLY: readonly (readonly [string, RegExp])[] = [
  ['a node: specifier', /['"]node:/],
  ['Buffer', /\bBuffer\b/],
  ['process', /\bprocess\b/],
  ['require of anything but @tala-net/types', /\brequire\((?!['"]@tala-net\/types['"]\))/],
  ['global', /\bglobal\b/],
  ['__dirname or __filename', /\b__(dirname|filename)\b/],
];

function filesIn(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir)
    .filter((name) => extensions.some((ext) => name.endsWith(ext)))
    .map((name) => join(dir, name));
}

function nodeOnlyUses(file: string): string[] {
  const { outputText: text } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { removeComments: true, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  return NODE_ONLY.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${file}: ${what}`);
}

/**
 * A fresh JavaScript realm with the web-platform globals a browser has and the codec's
 * dependencies use (`EventTarget`, `Event`), and no Node global at all.
 */
function browserLikeContext(): object {
  return createContext({ EventTarget, Event });
}

/**
 * Loads a package's TypeScript sources as CommonJS inside `context`, transpiled file by file:
 * the code runs with only what `context` provides.
 */
function loadInContext(
  context: object,
  srcDir: string,
  external: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const load = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached !== undefined) return cached;
    const source = readFileSync(join(srcDir, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    const exports: Record<string, unknown> = {};
    cache.set(file, exports);
    const require = (specifier: string): unknown => {
      if (specifier in external) return external[specifier];
      if (specifier.startsWith('./')) return load(specifier.slice(2).replace(/\.js$/, '.ts'));
      throw new Error(`unexpected import ${specifier} in ${file}`);
    };
    const wrapper = runInContext(`(function (exports, require) {${outputText}\n})`, context);
    wrapper(exports, require);
    return exports;
  };
  return load('index.ts');
}

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

describe('browser safety', () => {
  it('the sources use no node: imports, Buffer or process', () => {
    const files = [
      ...filesIn(join(packageDir, 'src'), ['.ts']),
      ...filesIn(join(typesDir, 'src'), ['.ts']),
    ];
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap(nodeOnlyUses)).toEqual([]);
  });

  const dist = join(packageDir, 'dist');
  it.skipIf(!existsSync(dist))('the built files use no node: imports, Buffer or process', () => {
    const files = filesIn(dist, ['.js', '.cjs']);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.flatMap(nodeOnlyUses)).toEqual([]);
  });

  it('works from source in a sandbox without any Node global', () => {
    const context = browserLikeContext();
    const types = loadInContext(context, join(typesDir, 'src'), {});
    const codec = loadInContext(context, join(packageDir, 'src'), { '@tala-net/types': types });
    runInContext('(t, c) => { globalThis.types = t; globalThis.codec = c; }', context)(
      types,
      codec,
    );
    expect(JSON.parse(runInContext(SCENARIO, context) as string)).toEqual(EXPECTED);
  });

  const builtCodec = join(dist, 'index.cjs');
  const builtTypes = join(typesDir, 'dist', 'index.cjs');
  it.skipIf(!existsSync(builtCodec) || !existsSync(builtTypes))(
    'works as built (CommonJS bundle) in a sandbox without any Node global',
    () => {
      const context = browserLikeContext();
      const run = (file: string, external: Record<string, unknown>): Record<string, unknown> => {
        const module = { exports: {} as Record<string, unknown> };
        const require = (specifier: string): unknown => {
          if (specifier in external) return external[specifier];
          throw new Error(`unexpected require ${specifier}`);
        };
        const code = readFileSync(file, 'utf8');
        runInContext(`(function (module, exports, require) {${code}\n})`, context)(
          module,
          module.exports,
          require,
        );
        return module.exports;
      };
      const types = run(builtTypes, {});
      const codec = run(builtCodec, { '@tala-net/types': types });
      runInContext('(t, c) => { globalThis.types = t; globalThis.codec = c; }', context)(
        types,
        codec,
      );
      expect(JSON.parse(runInContext(SCENARIO, context) as string)).toEqual(EXPECTED);
    },
  );
});
