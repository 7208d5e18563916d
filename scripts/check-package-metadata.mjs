/*
 * Checks what npm shows of every public package before it is published: name, version,
 * description, license, author, repository (with the package's directory), homepage, bugs,
 * keywords, engines equal to the root's, the published files, public access, a LICENSE and a
 * README, a place among the packages that changesets versions; and a root README that states the
 * Node version of `engines`.
 *
 *   node scripts/check-package-metadata.mjs
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicPackages, root, rootManifest } from './public-packages.mjs';

const rootPkg = rootManifest();
const changesetIgnore =
  JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')).ignore ?? [];
const node = rootPkg.engines.node;
const problems = [];

const rootReadme = readFileSync(join(root, 'README.md'), 'utf8');
const nodeVersion = node.replace(/^>=\s*/, '');
if (!rootReadme.includes(`Node ≥ ${nodeVersion}`)) {
  problems.push(`README.md: the quick start must ask for Node ≥ ${nodeVersion} (engines ${node})`);
}

for (const { dir, path, name, manifest: pkg } of publicPackages()) {
  const fail = (what) => problems.push(`packages/${dir}/package.json (${name}): ${what}`);
  const nonEmpty = (value) => typeof value === 'string' && value.trim() !== '';
  // The command is published unscoped, as the name people type: `npx tala-net`.
  const expectedName = dir === 'cli' ? 'tala-net' : `@tala-net/${dir}`;
  if (name !== expectedName) fail(`name must be ${expectedName}`);
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(pkg.version ?? '')) fail('version must be semver');
  if (!nonEmpty(pkg.description)) fail('description is missing');
  if (pkg.license !== rootPkg.license) fail(`license must be ${rootPkg.license}`);
  if (pkg.author !== rootPkg.author) fail(`author must be ${JSON.stringify(rootPkg.author)}`);
  const repository = pkg.repository ?? {};
  if (repository.type !== 'git' || repository.url !== rootPkg.repository.url) {
    fail(`repository must be { type: 'git', url: '${rootPkg.repository.url}', … }`);
  }
  if (repository.directory !== `packages/${dir}`)
    fail(`repository.directory must be packages/${dir}`);
  if (!nonEmpty(pkg.homepage)) fail('homepage is missing');
  if (pkg.bugs?.url !== rootPkg.bugs.url) fail(`bugs.url must be ${rootPkg.bugs.url}`);
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('tala-net')) {
    fail("keywords must be a list that includes 'tala-net'");
  }
  if (pkg.engines?.node !== node) fail(`engines.node must be ${node}, as in the root`);
  if (pkg.type !== 'module') fail("type must be 'module'");
  if (pkg.sideEffects !== false) fail('sideEffects must be false');
  for (const file of ['CHANGELOG.md', 'LICENSE', 'dist', 'README.md']) {
    if (!pkg.files?.includes(file)) fail(`files must include ${file}`);
  }
  if (pkg.publishConfig?.access !== 'public') fail("publishConfig.access must be 'public'");
  if (changesetIgnore.includes(name))
    fail('is public but in the `ignore` list of .changeset/config.json');
  for (const file of ['LICENSE', 'README.md']) {
    if (!existsSync(join(path, file))) fail(`${file} is missing from the package directory`);
  }
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep.startsWith('@tala-net/') && range !== 'workspace:*') fail(`${dep} must be workspace:*`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.error(`package metadata: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`package metadata: ${publicPackages().length} public packages complete`);
