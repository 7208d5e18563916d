/*
 * Creates a complete workspace package: package.json (exports, files, scripts, engines and the
 * npm metadata that `scripts/check-package-metadata.mjs` asks for), tsconfig, vitest config,
 * LICENSE, src/index.ts that names its module for the API docs and has one documented export, a
 * README whose install line names what its example imports and whose example runs as a test
 * (and in `scripts/check-tarballs.mjs`), a unit test and a first-release changeset (version
 * 0.0.0 + minor = 0.1.0, see docs/releasing.md).
 *
 *   node scripts/new-package.mjs <name> "<description>" [dep1,dep2] [keyword1,keyword2]
 *
 * e.g. `node scripts/new-package.mjs capability "per-peer capability negotiation" types`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const [name, description, deps = '', keywords = ''] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name) || !description) {
  console.error(
    'usage: node scripts/new-package.mjs <name> "<description>" [dep1,dep2] [keyword1,keyword2]',
  );
  process.exit(2);
}
const dir = `packages/${name}`;
if (existsSync(dir)) {
  console.error(`${dir} exists already`);
  process.exit(2);
}
const fullName = `@tala-net/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
const dependencies = Object.fromEntries(
  deps
    .split(',')
    .filter(Boolean)
    .map((d) => [`@tala-net/${d}`, 'workspace:*']),
);
const root = JSON.parse(readFileSync('package.json', 'utf8'));
const repositoryUrl = root.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const pkg = {
  name: fullName,
  version: '0.0.0',
  description,
  license: root.license,
  author: root.author,
  repository: { type: 'git', url: root.repository.url, directory: dir },
  homepage: `${repositoryUrl}/tree/main/${dir}#readme`,
  bugs: { url: root.bugs.url },
  keywords: ['tala-net', ...keywords.split(',').filter(Boolean)],
  type: 'module',
  sideEffects: false,
  engines: { node: root.engines.node },
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  files: ['CHANGELOG.md', 'LICENSE', 'dist', 'README.md'],
  scripts: {
    build: 'tsup src/index.ts --format esm,cjs --dts --clean --sourcemap --target es2022',
    test: 'vitest run',
    typecheck: 'tsc -p tsconfig.json',
    'check:packages': 'publint --strict && attw --pack .',
  },
  ...(Object.keys(dependencies).length ? { dependencies } : {}),
  publishConfig: { access: 'public' },
};
const write = (path, text) => writeFileSync(`${dir}/${path}`, text);
write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
write(
  'tsconfig.json',
  '{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": {\n    "types": ["node"]\n  },\n  "include": ["src", "test"]\n}\n',
);
write('vitest.config.ts', "export { default } from '../../vitest.shared.js';\n");
copyFileSync('LICENSE', `${dir}/LICENSE`);
write(
  'src/index.ts',
  `/**
 * ${description.charAt(0).toUpperCase()}${description.slice(1)}.
 *
 * @module ${fullName}
 */
export { packageName } from './package-name.js';
`,
);
write(
  'src/package-name.ts',
  `/**
 * The npm name of this package.
 *
 * @example
 * \`\`\`ts
 * packageName; // '${fullName}'
 * \`\`\`
 */
export const packageName = '${fullName}';
`,
);
write(
  'README.md',
  `# ${fullName}

${description.charAt(0).toUpperCase()}${description.slice(1)}.

\`\`\`sh
npm install ${fullName}
\`\`\`

## Example

\`\`\`ts
import assert from 'node:assert/strict';
import { packageName } from '${fullName}';

assert.equal(packageName, '${fullName}');
\`\`\`
`,
);
write(
  'test/readme.test.ts',
  "import { describeReadmeExamples } from '../../../testing/readme-examples.js';\n\ndescribeReadmeExamples(import.meta.url);\n",
);
write(
  'test/package-name.test.ts',
  `import { describe, expect, it } from 'vitest';
import { packageName } from '../src/index.js';

describe('packageName', () => {
  it('is the npm name of the package', () => {
    expect(packageName).toBe('${fullName}');
  });
});
`,
);
writeFileSync(
  `.changeset/${name}-first-release.md`,
  `---\n"${fullName}": minor\n---\n\nFirst release: ${description}.\n`,
);
console.log(`created ${dir}; run \`pnpm install\` to link it`);
