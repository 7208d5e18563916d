/*
 * The workspace packages that are published: every `packages/<dir>/package.json` without
 * `"private": true`, in directory order.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every public package: `{ dir, path, name, manifest }`, `path` absolute. */
export function publicPackages() {
  const packages = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const path = join(root, 'packages', dir);
    const file = join(path, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.private === true) continue;
    packages.push({ dir, path, name: manifest.name, manifest });
  }
  return packages;
}

/** The root package.json. */
export function rootManifest() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}
