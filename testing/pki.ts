import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and a certificate (PEM) of a test PKI. */
export interface NodeCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * Whom one certificate names: a node id (named `URI:tala-net:node:<id>`, the form the TCP
 * transport binds to the id it claims), or a list of URIs (one certificate for several ids, or a
 * name that is not a node id).
 */
export type CertificateSubject = bigint | { readonly uris: readonly string[] };

/**
 * A test CA and, for each subject, a P-256 key and a certificate signed by the CA that names the
 * subject's URIs and `IP:127.0.0.1`, made with the real `openssl` command (valid for 2 days).
 */
export function makePki(subjects: readonly CertificateSubject[]): {
  ca: string;
  nodes: NodeCertificate[];
} {
  const dir = mkdtempSync(join(tmpdir(), 'tala-net-pki-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
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
      '/CN=tala-net test CA',
      '-days',
      '2',
    );
    const nodes = subjects.map((subject, index) => {
      const uris = typeof subject === 'bigint' ? [`tala-net:node:${subject}`] : subject.uris;
      const names = uris.map((uri) => `URI:${uri}`).join(',');
      writeFileSync(join(dir, `n${index}.ext`), `subjectAltName=${names},IP:127.0.0.1\n`);
      openssl(
        'req',
        ...newKey,
        '-keyout',
        `n${index}.key`,
        '-out',
        `n${index}.csr`,
        '-subj',
        `/CN=node-${index}`,
      );
      openssl(
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
      return { key: read(`n${index}.key`), cert: read(`n${index}.crt`) };
    });
    return { ca: read('ca.crt'), nodes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
