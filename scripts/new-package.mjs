import { mkdirSync, writeFileSync } from 'node:fs';

const [name, description, deps = ''] = process.argv.slice(2);
const dir = `packages/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
const dependencies = Object.fromEntries(
  deps
    .split(',')
    .filter(Boolean)
    .map((d) => [`@tala-net/${d}`, 'workspace:*']),
);
const pkg = {
  name: `@tala-net/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
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
  files: ['dist', 'README.md'],
  scripts: {
    build: 'tsup src/index.ts --format esm,cjs --dts --clean --sourcemap --target es2022',
    test: 'vitest run',
    typecheck: 'tsc -p tsconfig.json',
    'check:packages': 'publint --strict && attw --pack .',
  },
  ...(Object.keys(dependencies).length ? { dependencies } : {}),
  publishConfig: { access: 'public' },
};
writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  `${dir}/tsconfig.json`,
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { types: ['node'] }, include: ['src', 'test'] }, null, 2)}\n`,
);
writeFileSync(`${dir}/vitest.config.ts`, "export { default } from '../../vitest.shared.js';\n");
