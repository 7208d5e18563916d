import { defineConfig } from 'tsup';

/**
 * Three entries: the package itself, `./internal` (building blocks for tests and benchmarks)
 * and `./testing` (scenario helpers). Members marked `@internal` are left out of the
 * declarations.
 */
export default defineConfig({
  entry: ['src/index.ts', 'src/internal.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
