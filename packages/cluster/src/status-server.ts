import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { formatAddress, parseAddress } from '@tala-net/transport-tcp';
import { TalaError } from '@tala-net/types';
import type { ClusterStatus } from './cluster-status.js';
import {
  clusterStatusMetrics,
  type MetricFamily,
  PROMETHEUS_CONTENT_TYPE,
  writePrometheusText,
} from './prometheus-text.js';

/** Options of {@link StatusServer.start}. */
export interface StatusServerOptions {
  /**
   * `host:port` to listen on (`[v6]:port` for IPv6; port 0 picks a free port). Loopback unless
   * you say otherwise: the document tells who is in the cluster.
   * @default '127.0.0.1:0'
   */
  readonly address?: string;
  /** The status document, read at each request of `/`, `/metrics` and `/healthz`. */
  readonly status: () => ClusterStatus;
  /**
   * More metric families for `/metrics`, written after those of the status document.
   * @default none
   */
  readonly metrics?: () => readonly MetricFamily[];
  /**
   * What `/healthz` calls healthy.
   * @default the node has a partition table (`status.table !== null`)
   */
  readonly healthy?: (status: ClusterStatus) => boolean;
  /**
   * Most connections open at once; more are refused (closed at once).
   * @default 64
   */
  readonly maxConnections?: number;
  /**
   * Milliseconds a client has to send its request headers.
   * @default 5_000
   */
  readonly headersTimeoutMs?: number;
  /**
   * Milliseconds an idle keep-alive connection stays open.
   * @default 5_000
   */
  readonly keepAliveTimeoutMs?: number;
  /** Closes the server when aborted. */
  readonly signal?: AbortSignal;
}

/** Counters of a {@link StatusServer}. */
export interface StatusServerStats {
  /** Requests answered (any status code). */
  readonly requests: number;
  /** Requests answered 500 because the status or metrics callback threw. */
  readonly failures: number;
}

/** Largest request head accepted, in bytes (request line and headers). */
const MAX_HEADER_BYTES = 8 * 1024;
/** Most request headers read. */
const MAX_HEADERS = 64;

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TalaError(
      'InvalidArgument',
      `StatusServer: ${name} must be a positive integer, found ${String(value)}`,
    );
  }
  return value;
}

interface ServerLimits {
  readonly maxConnections: number;
  readonly headersTimeout: number;
  readonly keepAliveTimeout: number;
}

function healthyByDefault(status: ClusterStatus): boolean {
  return status.table !== null;
}

/**
 * The HTTP status endpoint of a node (`node:http`, loopback by default):
 *
 * - `GET /`: the {@link ClusterStatus} as JSON (`application/json`);
 * - `GET /metrics`: Prometheus text format 0.0.4 (see {@link clusterStatusMetrics});
 * - `GET /healthz`: `200 ok` when healthy (by default: the node has a partition table), else
 *   `503 unhealthy`;
 * - any other path: 404; any other method: 405 (with `Allow: GET`).
 *
 * It never reads a request body (a request that announces one is answered, then its connection
 * closed), limits request heads to 8 KiB and 64 headers, gives clients `headersTimeoutMs` to
 * send them, closes a connection that makes no progress either way for twice the larger of
 * `headersTimeoutMs` and `keepAliveTimeoutMs` (a client that stops reading its response), and
 * holds at most `maxConnections` connections. A callback that throws is answered
 * 500 and counted in `failures`.
 *
 * @example
 * ```ts
 * const server = await StatusServer.start({ address: '127.0.0.1:8001', status: () => node.status() });
 * console.log(`status on http://${server.address}/`);
 * await server.close();
 * ```
 */
export class StatusServer {
  readonly #server: Server;
  #address = '';
  readonly #options: StatusServerOptions;
  readonly #healthy: (status: ClusterStatus) => boolean;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    void this.close();
  };
  #closing: Promise<void> | undefined;
  #requests = 0;
  #failures = 0;

  private constructor(options: StatusServerOptions, limits: ServerLimits) {
    this.#options = options;
    this.#healthy = options.healthy ?? healthyByDefault;
    this.#signal = options.signal;
    this.#server = createServer(
      {
        maxHeaderSize: MAX_HEADER_BYTES,
        headersTimeout: limits.headersTimeout,
        requestTimeout: limits.headersTimeout * 2,
        // How often Node checks those timeouts (30 s by default).
        connectionsCheckingInterval: Math.min(1_000, limits.headersTimeout),
      },
      (request, response) => this.#handle(request, response),
    );
    this.#server.maxConnections = limits.maxConnections;
    this.#server.maxHeadersCount = MAX_HEADERS;
    this.#server.keepAliveTimeout = limits.keepAliveTimeout;
    // A client that stops reading a response holds its socket no longer than one that stops
    // sending its request: a connection without progress either way for that long is closed.
    this.#server.timeout = Math.max(limits.headersTimeout, limits.keepAliveTimeout) * 2;
  }

  /** The `host:port` the server listens on (with the port it got for port 0). */
  get address(): string {
    return this.#address;
  }

  /**
   * Starts a server and resolves once it listens. Rejects with a `TalaError`: `InvalidArgument`
   * for a bad option or an address it cannot listen on, `Aborted` when `signal` aborts first.
   */
  static start(options: StatusServerOptions): Promise<StatusServer> {
    let host: string;
    let port: number;
    let limits: ServerLimits;
    try {
      if (typeof options?.status !== 'function') {
        throw new TalaError('InvalidArgument', 'StatusServer: status must be a function');
      }
      ({ host, port } = parseAddress(options.address ?? '127.0.0.1:0'));
      limits = {
        maxConnections: positiveInteger(options.maxConnections, 'maxConnections', 64),
        headersTimeout: positiveInteger(options.headersTimeoutMs, 'headersTimeoutMs', 5_000),
        keepAliveTimeout: positiveInteger(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs', 5_000),
      };
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.signal?.aborted === true) {
      return Promise.reject(new TalaError('Aborted', 'StatusServer: aborted'));
    }
    return new StatusServer(options, limits).#listen(host, port);
  }

  #listen(host: string, port: number): Promise<StatusServer> {
    const server = this.#server;
    const signal = this.#signal;
    return new Promise<StatusServer>((resolve, reject) => {
      const onAbort = (): void => {
        server.close();
        reject(new TalaError('Aborted', 'StatusServer: aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      server.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(
          new TalaError(
            'InvalidArgument',
            `StatusServer: cannot listen on ${formatAddress(host, port)}: ${error.message}`,
            { cause: error },
          ),
        );
      });
      server.listen({ host, port }, () => {
        signal?.removeEventListener('abort', onAbort);
        const bound = server.address();
        this.#address = formatAddress(
          host,
          typeof bound === 'object' && bound !== null ? bound.port : port,
        );
        signal?.addEventListener('abort', this.#onAbort, { once: true });
        resolve(this);
      });
    });
  }

  /** Counters (a snapshot). */
  get stats(): StatusServerStats {
    return { requests: this.#requests, failures: this.#failures };
  }

  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#signal?.removeEventListener('abort', this.#onAbort);
      this.#closing = new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeAllConnections();
      });
    }
    return this.#closing;
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    this.#requests++;
    const announcesBody =
      request.headers['transfer-encoding'] !== undefined ||
      (request.headers['content-length'] !== undefined &&
        request.headers['content-length'] !== '0');
    // The body is never read: answer, then close the connection instead of draining it.
    if (announcesBody) response.shouldKeepAlive = false;
    if (request.method !== 'GET') {
      this.#reply(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n', {
        allow: 'GET',
      });
      return;
    }
    const path = (request.url ?? '/').split('?', 1)[0];
    try {
      switch (path) {
        case '/':
          this.#reply(
            response,
            200,
            'application/json',
            `${JSON.stringify(this.#options.status())}\n`,
          );
          return;
        case '/metrics':
          this.#reply(response, 200, PROMETHEUS_CONTENT_TYPE, this.#metricsText());
          return;
        case '/healthz': {
          const healthy = this.#healthy(this.#options.status());
          this.#reply(
            response,
            healthy ? 200 : 503,
            'text/plain; charset=utf-8',
            healthy ? 'ok\n' : 'unhealthy\n',
          );
          return;
        }
        default:
          this.#reply(response, 404, 'text/plain; charset=utf-8', 'not found\n');
      }
    } catch {
      this.#failures++;
      this.#reply(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
    }
  }

  #metricsText(): string {
    const families = clusterStatusMetrics(this.#options.status());
    const extra = this.#options.metrics?.() ?? [];
    return writePrometheusText([...families, ...extra]);
  }

  #reply(
    response: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    const bytes = Buffer.from(body, 'utf8');
    response.writeHead(status, {
      ...headers,
      'content-type': contentType,
      'content-length': String(bytes.length),
      'cache-control': 'no-store',
    });
    response.end(bytes);
  }
}
