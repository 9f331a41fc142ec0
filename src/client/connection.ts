/**
 * One connection to the server, plain or TLS, through Node's own non-blocking sockets: lines in,
 * lines out, and one `close` with a human reason however it ends. Over TLS nothing is read
 * until `verify` has accepted the certificate (which may mean asking the user), so not a byte
 * from an untrusted server reaches the screen. Every line, and every reason Node words from what
 * the server sent (a certificate's names), leaves here without control characters
 * (`removeControls`, the rule the server applies to its own input): the client may be pointed at
 * any server, and plain TCP may be tampered with, but neither may drive the user's terminal.
 */
import net from 'node:net';
import tls from 'node:tls';

import { removeControls } from '../protocol/line-reader.js';
import type { PeerCertificate } from './trust.js';

export interface TlsSetup {
  /** PEM CA to verify against (`--ca`); Node then refuses anything else in the handshake. */
  ca: string | undefined;
  /** The certificate's verdict: resolves true to go on, false to hang up. */
  verify(peer: PeerCertificate): Promise<boolean>;
}

export interface ConnectOptions {
  host: string;
  port: number;
  tls: TlsSetup | undefined;
}

export interface Closed {
  reason: string;
  /** The certificate was refused: trying again would only be refused again. */
  refused: boolean;
}

export interface ConnectionHandlers {
  open(peer: PeerCertificate | undefined): void;
  line(line: string): void;
  close(closed: Closed): void;
}

const CONNECT_TIMEOUT_MS = 10_000;
/** A server line longer than this is not a chat server talking: hang up rather than grow. */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection reset by the server',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function reasonOf(error: NodeJS.ErrnoException): string {
  return REASONS[error.code ?? ''] ?? removeControls(error.message);
}

/** Node's certificate-verification failures (as opposed to network ones). */
const isCertificateError = (error: NodeJS.ErrnoException): boolean =>
  /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(error.code ?? '');

export class Connection {
  private readonly socket: net.Socket;
  private pending = '';
  private opened = false;
  private closed: Closed | undefined;
  /** `close` has been called: it is called once. */
  private reported = false;

  constructor(
    private readonly options: ConnectOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.socket = options.tls === undefined ? this.connectPlain() : this.connectTls(options.tls);
    this.socket.setTimeout(CONNECT_TIMEOUT_MS, () => this.fail('timed out', false));
    this.socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(reasonOf(error), options.tls !== undefined && isCertificateError(error)),
    );
    this.socket.on('close', () =>
      this.fail(this.opened ? 'the server closed the connection' : 'connection closed', false),
    );
  }

  /** Sends one line; false when not connected (the caller keeps it). */
  send(line: string): boolean {
    if (!this.opened || this.closed !== undefined) return false;
    this.socket.write(line + '\n');
    return true;
  }

  /** Ends the connection after what was written; `close` follows with `reason`. */
  end(reason: string): void {
    this.closed ??= { reason, refused: false };
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Hangs up at once. */
  destroy(reason: string, refused = false): void {
    this.closed ??= { reason, refused };
    this.socket.destroy();
  }

  private connectPlain(): net.Socket {
    const socket = net.connect({ host: this.options.host, port: this.options.port });
    socket.once('connect', () => this.start(undefined));
    return socket;
  }

  private connectTls(setup: TlsSetup): tls.TLSSocket {
    const { host, port } = this.options;
    const socket = tls.connect({
      host,
      port,
      // SNI carries names, never addresses.
      servername: net.isIP(host) === 0 ? host : undefined,
      ca: setup.ca,
      rejectUnauthorized: setup.ca !== undefined,
    });
    socket.once('secureConnect', () => {
      // The user may take a while to answer the trust question.
      socket.setTimeout(0);
      const peer: PeerCertificate = {
        fingerprint: socket.getPeerCertificate().fingerprint256,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError?.toString(),
      };
      setup.verify(peer).then(
        (trusted) => (trusted ? this.start(peer) : this.destroy('certificate refused', true)),
        (error: Error) => this.destroy(error.message, true),
      );
    });
    return socket;
  }

  private start(peer: PeerCertificate | undefined): void {
    if (this.closed !== undefined) return;
    this.opened = true;
    this.socket.setTimeout(0);
    this.socket.setNoDelay(true);
    this.handlers.open(peer);
    this.socket.setEncoding('utf8');
    this.socket.on('data', (text: string) => this.receive(text));
  }

  private receive(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline !== -1 && !this.socket.destroyed) {
      const line = removeControls(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
      if (line !== '') this.handlers.line(line);
      newline = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_PENDING_CHARS) this.destroy('the server sent a line over 16 MiB');
  }

  private fail(reason: string, refused: boolean): void {
    if (!this.socket.destroyed) this.socket.destroy();
    if (this.reported) return;
    this.reported = true;
    this.closed ??= { reason, refused };
    this.handlers.close(this.closed);
  }
}
