import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeIdUri } from '@tala-net/transport-tcp';
import type { NodeId } from '@tala-net/types';

/** The PEM files of a benchmark cluster: its CA, and one key and certificate every node uses. */
export interface ClusterPki {
  readonly ca: string;
  readonly key: string;
  readonly cert: string;
}

/**
 * A CA and one certificate signed by it that names every id in `ids` (so each node of a
 * benchmark can present it with `bindNodeId` on), made by the `openssl` command with P-256 keys.
 */
export function clusterPki(ids: readonly NodeId[]): ClusterPki {
  const dir = mkdtempSync(join(tmpdir(), 'tala-net-bench-pki-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=bench CA',
      '-days',
      '1',
    );
    openssl('req', ...newKey, '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=bench');
    const names = ids.map((id) => `URI:${nodeIdUri(id)}`).join(',');
    writeFileSync(join(dir, 'node.ext'), `subjectAltName=${names},IP:127.0.0.1\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      'node.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      'node.crt',
      '-extfile',
      'node.ext',
    );
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    return { ca: read('ca.crt'), key: read('node.key'), cert: read('node.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
