import { TalaError } from '@tala-net/types';

/** A TCP endpoint. */
export interface HostPort {
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** TCP port, 0 … 65535. */
  readonly port: number;
}

/** `address` as a {@link HostPort}, or `undefined` when it is not a `host:port` (`[v6]:port`). */
export function readAddress(address: string): HostPort | undefined {
  const match =
    typeof address === 'string'
      ? /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address)
      : null;
  if (match === null) return undefined;
  const port = Number(match[3]);
  return port > 65_535 ? undefined : { host: match[1] ?? match[2]!, port };
}

/**
 * Parses `host:port` (`[v6]:port` for IPv6). Throws a `TalaError` (`InvalidArgument`) for
 * anything else or a port outside 0 … 65535.
 */
export function parseAddress(address: string): HostPort {
  const parsed = readAddress(address);
  if (parsed === undefined) {
    throw new TalaError(
      'InvalidArgument',
      `TcpTransport: expected an address host:port (or [v6]:port), found ${JSON.stringify(address)}`,
    );
  }
  return parsed;
}

/** `true` when `address` is a `host:port` (or `[v6]:port`) that {@link parseAddress} reads. */
export function isAddress(address: string): boolean {
  return readAddress(address) !== undefined;
}

/** `true` for a host that means "every interface" (`0.0.0.0`, `::`): a peer cannot dial it. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || /^[0:]+$/.test(host);
}

/**
 * `true` when `address` is a `host:port` whose host means "every interface" (`0.0.0.0:7946`,
 * `[::]:7946`): a node may listen on it, but no peer can dial it.
 *
 * @example
 * ```ts
 * isWildcardAddress('0.0.0.0:7946'); // true
 * isWildcardAddress('10.0.0.5:7946'); // false
 * ```
 */
export function isWildcardAddress(address: string): boolean {
  const parsed = readAddress(address);
  return parsed !== undefined && isWildcardHost(parsed.host);
}

/**
 * The address a node's handshakes give its peers: `advertise` when set, else `listening` (the
 * address it listens on, bound on `host`) unless that is a wildcard no peer can dial.
 */
export function advertisedAddress(
  advertise: string | undefined,
  host: string,
  listening: string,
): string | undefined {
  return advertise ?? (isWildcardHost(host) ? undefined : listening);
}

/** Formats `host` and `port` as an address ({@link parseAddress} reads it back). */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
