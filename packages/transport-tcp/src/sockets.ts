import * as net from 'node:net';
import * as tls from 'node:tls';
import type { HostPort } from './address.js';
import type { TcpTlsOptions } from './tcp-transport-options.js';

/** A listening server and the event that hands it a new connection. */
export interface ServerHandle {
  readonly server: net.Server;
  /** `connection` for plain TCP, `secureConnection` for TLS (after the TLS handshake). */
  readonly connectionEvent: 'connection' | 'secureConnection';
}

function tlsContext(options: TcpTlsOptions): tls.SecureContextOptions {
  return {
    key: options.key as string,
    cert: options.cert as string,
    ca: options.ca as string | string[],
    minVersion: 'TLSv1.3',
  };
}

/**
 * A server for plain TCP, or for mutual TLS when `tlsOptions` is given: a client whose
 * certificate the CA did not sign fails the TLS handshake and never reaches the transport.
 * A TLS socket reaches the transport only after its TLS handshake, so the server itself holds
 * at most `maxConnections` sockets, in a TLS handshake or handed on (more are dropped).
 */
export function createServer(
  tlsOptions: TcpTlsOptions | undefined,
  maxConnections: number,
): ServerHandle {
  const server =
    tlsOptions === undefined
      ? net.createServer({ noDelay: true })
      : tls.createServer({
          ...tlsContext(tlsOptions),
          requestCert: true,
          rejectUnauthorized: true,
        });
  server.maxConnections = maxConnections;
  return { server, connectionEvent: tlsOptions === undefined ? 'connection' : 'secureConnection' };
}

/**
 * Opens a connection to `to`: plain TCP, or mutual TLS that checks the server's certificate
 * against the CA (identity is the node id bound to the certificate, not the host name, so the
 * host name check is off).
 */
export function connectSocket(to: HostPort, tlsOptions: TcpTlsOptions | undefined): net.Socket {
  if (tlsOptions === undefined) return net.connect({ host: to.host, port: to.port, noDelay: true });
  return tls.connect({
    ...tlsContext(tlsOptions),
    host: to.host,
    port: to.port,
    rejectUnauthorized: true,
    checkServerIdentity: () => undefined,
  });
}

/** The event of an outbound socket that says it is ready for data. */
export function readyEvent(tlsOptions: TcpTlsOptions | undefined): 'connect' | 'secureConnect' {
  return tlsOptions === undefined ? 'connect' : 'secureConnect';
}

/** The `subjectAltName` of the peer's certificate on a TLS socket (`undefined` on plain TCP). */
export function peerSubjectAltName(socket: net.Socket): string | undefined {
  if (!(socket instanceof tls.TLSSocket)) return undefined;
  return socket.getPeerCertificate().subjectaltname;
}
