import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // Both builds write to dist/: this one cleans it, keeping what the other one writes.
    clean: ['!cli.*'],
    sourcemap: true,
    target: 'es2022',
  },
  {
    // The command: ESM only, its shebang kept by tsup.
    entry: ['src/cli.ts'],
    format: ['esm'],
    // One file: the cluster's code is imported on use, by `tala-net node` only.
    splitting: false,
    sourcemap: true,
    target: 'es2022',
  },
]);
