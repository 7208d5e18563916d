import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NodeId, TalaError } from '@tala-net/types';

/**
 * The id stored in `path` (decimal), or, when the file does not exist, a random non-zero u64
 * that is then stored there (creating the directory). Throws a `TalaError` (`InvalidId`) when
 * the file holds something else than a non-zero u64.
 */
export async function loadOrCreateNodeId(path: string): Promise<NodeId> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const trimmed = text.trim();
    const id = /^[0-9]{1,20}$/.test(trimmed) ? NodeId(trimmed) : undefined;
    if (id === undefined || id === 0n) {
      throw new TalaError(
        'InvalidId',
        `idFile ${path}: expected a non-zero u64 in decimal, found ${JSON.stringify(trimmed.slice(0, 40))}`,
      );
    }
    return id;
  }
  const id = randomNodeId();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${id}\n`, { flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    // Another process created it first: use its id.
    if (error.code === 'EEXIST') return;
    throw error;
  });
  return loadOrCreateNodeIdOnce(path, id);
}

async function loadOrCreateNodeIdOnce(path: string, fallback: NodeId): Promise<NodeId> {
  const text = (await readFile(path, 'utf8')).trim();
  return /^[0-9]{1,20}$/.test(text) && BigInt(text) !== 0n ? NodeId(text) : fallback;
}

/** A random non-zero u64 node id. */
export function randomNodeId(): NodeId {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(2));
  const id = (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
  return NodeId(id === 0n ? 1n : id);
}
