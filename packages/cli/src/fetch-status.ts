import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { ClusterStatus } from '@tala-net/cluster';
import { TalaError } from '@tala-net/types';

/** Options of {@link fetchStatus}. */
export interface FetchStatusOptions {
  /**
   * How long to wait for the whole answer.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /** Cancels the request. */
  readonly signal?: AbortSignal;
}

const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Reads the status document of a node from its HTTP status endpoint (`GET /`). `url` is the
 * endpoint's base URL (`http://127.0.0.1:8001`) or just `host:port`.
 *
 * Rejects with a `TalaError`: `Unreachable` when nobody answers or the answer is not 200,
 * `TimedOut` after `timeoutMs`, `InvalidArgument` for a URL that is not one or an answer that is
 * not a status document, `Aborted` (with the signal's reason as `cause`) when `signal` aborts.
 *
 * @example
 * ```ts
 * const status = await fetchStatus('http://127.0.0.1:8001');
 * console.log(status.members.length, status.table?.version);
 * ```
 */
export async function fetchStatus(
  url: string,
  options: FetchStatusOptions = {},
): Promise<ClusterStatus> {
  const target = statusUrl(url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal =
    options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  let body: string;
  try {
    body = await getDocument(target, signal);
  } catch (error) {
    throw requestError(error, target, timeoutMs, options.signal);
  }
  return parseClusterStatus(body, target);
}

/** `GET target` with `node:http(s)`, the body as text (bounded), or a rejection. */
function getDocument(target: URL, signal: AbortSignal): Promise<string> {
  const get = target.protocol === 'https:' ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(target, { signal, headers: { accept: 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(
          new TalaError(
            'Unreachable',
            `status ${target}: expected HTTP 200, found ${response.statusCode} ${response.statusMessage ?? ''}`.trimEnd(),
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.byteLength;
        if (length > MAX_DOCUMENT_BYTES) {
          request.destroy(
            new TalaError(
              'InvalidArgument',
              `status ${target}: expected at most ${MAX_DOCUMENT_BYTES} bytes, the answer is longer`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

function statusUrl(url: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (cause) {
    throw new TalaError(
      'InvalidArgument',
      `status: expected a URL like http://127.0.0.1:8001, found ${JSON.stringify(url)}`,
      { cause },
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TalaError(
      'InvalidArgument',
      `status: expected an http: or https: URL, found ${JSON.stringify(url)}`,
    );
  }
  return new URL('/', parsed);
}

function requestError(
  error: unknown,
  target: URL,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): TalaError {
  if (error instanceof TalaError) return error;
  if (signal?.aborted === true) {
    return new TalaError('Aborted', `status ${target}: aborted`, { cause: signal.reason });
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new TalaError('TimedOut', `status ${target}: no answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  const reason = describeCause(error);
  return new TalaError('Unreachable', `status ${target}: cannot reach the node (${reason})`, {
    cause: error,
  });
}

/** The innermost message of a fetch failure (`ECONNREFUSED 127.0.0.1:8001` rather than `fetch failed`). */
function describeCause(error: unknown): string {
  let current: unknown = error;
  let message = 'unknown error';
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

/**
 * Checks that a JSON text is a status document in the shape of `ClusterStatus` (the fields this
 * command reads) and returns it; a `TalaError` (`InvalidArgument`) otherwise.
 */
export function parseClusterStatus(text: string, source: URL | string): ClusterStatus {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new TalaError(
      'InvalidArgument',
      `status ${source}: expected JSON, found ${preview(text)}`,
      {
        cause,
      },
    );
  }
  const problem = statusProblem(document);
  if (problem !== undefined) {
    throw new TalaError(
      'InvalidArgument',
      `status ${source}: expected a tala-net status document, ${problem}`,
    );
  }
  return document as ClusterStatus;
}

function statusProblem(document: unknown): string | undefined {
  if (!isRecord(document)) return 'found no JSON object';
  for (const field of ['id', 'address', 'label'] as const) {
    if (typeof document[field] !== 'string') return `found no string "${field}"`;
  }
  if (typeof document.uptimeMs !== 'number') return 'found no number "uptimeMs"';
  if (!Array.isArray(document.members) || !document.members.every(isMember)) {
    return 'found no list of members (id, address, state, incarnation)';
  }
  if (document.table !== null && !isTable(document.table)) {
    return 'found a "table" that is neither null nor a partition table';
  }
  if (!isRecord(document.stats)) return 'found no "stats" object';
  return undefined;
}

function isMember(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.address === 'string' &&
    typeof value.state === 'string' &&
    typeof value.incarnation === 'string'
  );
}

function isTable(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.version === 'string' &&
    typeof value.coordinator === 'string' &&
    typeof value.partitions === 'number' &&
    Array.isArray(value.assignments) &&
    value.assignments.every(
      (assignment) =>
        isRecord(assignment) &&
        typeof assignment.partition === 'number' &&
        typeof assignment.owner === 'string' &&
        Array.isArray(assignment.replicas),
    ) &&
    Array.isArray(value.owned) &&
    Array.isArray(value.replicated)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
