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

/** A fresh realm with only the web-platform globals the package and its dependency use. */
function browserLikeContext(): object {
  return createContext({ EventTarget, Event });
}

/** Loads a package's TypeScript sources as CommonJS inside `context`, file by file. */
function loadInContext(
  context: object,
  srcDir: string,
  external: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const load = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached !== undefined) return cached;
    const { outputText } = ts.transpileModule(readFileSync(join(srcDir, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    const exports: Record<string, unknown> = {};
    cache.set(file, exports);
    const require = (specifier: string): unknown => {
      if (specifier in external) return external[specifier];
      if (specifier.startsWith('./')) return load(specifier.slice(2).replace(/\.js$/, '.ts'));
      throw new Error(`unexpected import ${specifier} in ${file}`);
    };
    runInContext(`(function (exports, require) {${outputText}\n})`, context)(exports, require);
    return exports;
  };
  return load('index.ts');
}

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

describe('browser safety', () => {
  it('the sources use no node: imports, Buffer or process', () => {
    const files = filesIn(join(packageDir, 'src'), ['.ts']);
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
    const capability = loadInContext(context, join(packageDir, 'src'), {
      '@tala-net/types': types,
    });
    runInContext('(t, c) => { globalThis.types = t; globalThis.capability = c; }', context)(
      types,
      capability,
    );
    expect(JSON.parse(runInContext(SCENARIO, context) as string)).toEqual(EXPECTED);
  });
});
