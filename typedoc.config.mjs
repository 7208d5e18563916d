// One API site for every public package (`pnpm docs`, output in `docs/api/`). The entry points
// are the root entry of each package whose package.json is not private, and the subpaths whose
// file names itself a module (`./internal` is not part of the supported API); all of them are read in one program whose `@tala-net/*` imports
// resolve to the sources, so links between packages resolve. Each entry file names its module
// with `@module <import path>`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const entryPoints = [];
const packageNames = [];
for (const dir of readdirSync('packages').sort()) {
  const manifest = `packages/${dir}/package.json`;
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (pkg.private) continue;
  packageNames.push(pkg.name);
  for (const subpath of Object.keys(pkg.exports ?? { '.': null })) {
    if (subpath === './package.json' || subpath === './internal') continue;
    const file = `packages/${dir}/src/${subpath === '.' ? 'index' : subpath.slice(2)}.ts`;
    const importPath = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const named = readFileSync(file, 'utf8').includes(`@module ${importPath}\n`);
    // A subpath is a module of its own when its file names it (e.g. `/testing`); otherwise it
    // is another door to what the root entry exports, and documented there.
    if (subpath !== '.' && !named) continue;
    if (!named) {
      throw new Error(
        `${file} must open with a doc comment that ends in \`@module ${importPath}\``,
      );
    }
    entryPoints.push(file);
  }
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'tala-net',
  tsconfig: 'tsconfig.docs.json',
  entryPointStrategy: 'resolve',
  entryPoints,
  readme: 'README.md',
  out: 'docs/api',
  excludeInternal: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  // Without this, only the root package.json's name would be held to `notDocumented`.
  packagesRequiringDocumentation: packageNames,
  treatWarningsAsErrors: true,
};
