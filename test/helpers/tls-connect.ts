/**
 * A Node TLS client connection to the server, as a user's client would make it: over a fresh TCP
 * connection, trusting the server's certificate either as a CA (the certificate must then name
 * the host it was reached at) or by pinning its SHA-256 fingerprint. Both sockets are destroyed
 * after the test.
 */
import type net from 'node:net';
import tls from 'node:tls';

import { connect, track } from './tcp';

/** How a TLS client trusts the server: a CA certificate (PEM), or a pinned SHA-256 fingerprint. */
export type TlsTrust = { ca: string | Buffer } | { fingerprint: string };

/** The trust, and TLS versions to force (e.g. `maxVersion: 'TLSv1.2'`). */
export type TlsClientOptions = TlsTrust & Pick<tls.ConnectionOptions, 'minVersion' | 'maxVersion'>;

/**
 * TLS over a fresh TCP connection to host:port; resolves once the handshake has succeeded and
 * the server's certificate checked out, rejects otherwise. `raw` is the TCP socket under TLS.
 */
export async function connectTlsSocket(
  port: number,
  options: TlsClientOptions,
  host = '127.0.0.1',
): Promise<{ socket: tls.TLSSocket; raw: net.Socket }> {
  const raw = await connect(port, host);
  const { minVersion, maxVersion } = options;
  const ca = 'ca' in options ? options.ca : undefined;
  // `host`, not `servername` (SNI may not be an IP address), is what the certificate must name:
  // for 127.0.0.1, its IP SAN.
  const socket = tls.connect({
    socket: raw,
    host,
    ca,
    rejectUnauthorized: ca !== undefined,
    minVersion,
    maxVersion,
  });
  track(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
  if ('fingerprint' in options) {
    const actual = socket.getPeerCertificate().fingerprint256;
    if (actual !== options.fingerprint) {
      socket.destroy();
      throw new Error(`the server's certificate is ${actual}, not ${options.fingerprint}`);
    }
  }
  return { socket, raw };
}
