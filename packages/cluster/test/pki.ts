import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A node's key and certificate (PEM). */
export interface NodeCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * A test CA and, per id, a key and a certificate naming `URI:tala-net:node:<id>`, made with the
 * `openssl` command (the approach of the TCP transport's tests, reduced to what this package uses).
 */
export function makePki(ids: readonly bigint[]): { ca: string; nodes: NodeCertificate[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tala-net-cluster-pki-'));
  try {
    const run = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    };
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=tala-net cluster test CA',
      '-days',
      '2',
    );
    const nodes = ids.map((id, index) => {
      writeFileSync(
        join(dir, `n${index}.ext`),
        `subjectAltName=URI:tala-net:node:${id},IP:127.0.0.1\n`,
      );
      run(
        'req',
        ...ec,
        '-keyout',
        `n${index}.key`,
        '-out',
        `n${index}.csr`,
        '-subj',
        `/CN=node-${index}`,
      );
      run(
        'x509',
        '-req',
        '-in',
        `n${index}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `n${index}.crt`,
        '-days',
        '2',
        '-extfile',
        `n${index}.ext`,
      );
      return {
        key: readFileSync(join(dir, `n${index}.key`), 'utf8'),
        cert: readFileSync(join(dir, `n${index}.crt`), 'utf8'),
      };
    });
    return { ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), nodes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
