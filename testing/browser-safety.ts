import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Node-only things a browser build must not touch (looked for in code, comments removed).
 * `Buffer` is flagged as a free name only: a property read such as `globalThis.Buffer` is
 * feature detection, `undefined` in a browser, and the sandbox runs below prove the fallback.
 */
const NODE_ONLY: readonly (readonly [string, RegExp])[] = [
  ['a node: specifier', /['"]node:/],
  ['Buffer', /(?<![.\w$])Buffer\b/],
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
 * A fresh JavaScript realm with the web-platform globals a browser has and the packages use
 * (`EventTarget`, `Event`), and no Node global at all.
 */
function browserLikeContext(): object {
  return createContext({ EventTarget, Event });
}

/** Loads a package's TypeScript sources as CommonJS inside `context`, file by file. */
function loadSources(
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

/** Loads a built CommonJS bundle inside `context`. */
function loadBuilt(
  context: object,
  file: string,
  external: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string): unknown => {
    if (specifier in external) return external[specifier];
    throw new Error(`unexpected require ${specifier}`);
  };
  runInContext(`(function (module, exports, require) {${readFileSync(file, 'utf8')}\n})`, context)(
    module,
    module.exports,
    require,
  );
  return module.exports;
}

/** What {@link describeBrowserSafety} checks for one package. */
export interface BrowserSafetyOptions {
  /** `import.meta.url` of the test file (in `packages/<name>/test/`). */
  readonly testFileUrl: string;
  /** The global name the scenario reads the package from (`types` is always there too). */
  readonly globalName: string;
  /** Script run in the sandbox; its completion value is a JSON string. */
  readonly scenario: string;
  /** What the scenario must report. */
  readonly expected: unknown;
}

/**
 * Declares the browser-safety suite of a package that depends only on `@tala-net/types`: no
 * Node-only name in its sources or built files (nor in types' sources), and the scenario gives
 * the expected result when the package runs, from source and as built, in a realm without any
 * Node global.
 */
export function describeBrowserSafety(options: BrowserSafetyOptions): void {
  const packageDir = join(dirname(fileURLToPath(options.testFileUrl)), '..');
  const typesDir = join(packageDir, '..', 'types');
  const dist = join(packageDir, 'dist');
  const run = (types: unknown, pkg: unknown, context: object): unknown => {
    runInContext(
      `(t, p) => { globalThis.types = t; globalThis.${options.globalName} = p; }`,
      context,
    )(types, pkg);
    return JSON.parse(runInContext(options.scenario, context) as string);
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

    it.skipIf(!existsSync(dist))('the built files use no node: imports, Buffer or process', () => {
      const files = filesIn(dist, ['.js', '.cjs']);
      expect(files.length).toBeGreaterThanOrEqual(2);
      expect(files.flatMap(nodeOnlyUses)).toEqual([]);
    });

    it('works from source in a sandbox without any Node global', () => {
      const context = browserLikeContext();
      const types = loadSources(context, join(typesDir, 'src'), {});
      const pkg = loadSources(context, join(packageDir, 'src'), { '@tala-net/types': types });
      expect(run(types, pkg, context)).toEqual(options.expected);
    });

    const built = join(dist, 'index.cjs');
    const builtTypes = join(typesDir, 'dist', 'index.cjs');
    it.skipIf(!existsSync(built) || !existsSync(builtTypes))(
      'works as built (CommonJS bundle) in a sandbox without any Node global',
      () => {
        const context = browserLikeContext();
        const types = loadBuilt(context, builtTypes, {});
        const pkg = loadBuilt(context, built, { '@tala-net/types': types });
        expect(run(types, pkg, context)).toEqual(options.expected);
      },
    );
  });
}
