/** The client's command line: where to connect, how to trust TLS, which nick to ask for. */
import { Command, InvalidArgumentError, Option } from 'commander';

import { isValidNick } from '../protocol/nick.js';
import { normaliseFingerprint } from './trust.js';

export const DEFAULT_PORT = 7000;
export const DEFAULT_TLS_PORT = 7443;

/** How a TLS server's certificate is trusted; `known-hosts` asks once, like ssh. */
export type TrustMode =
  | { kind: 'known-hosts' }
  | { kind: 'ca'; caFile: string }
  | { kind: 'fingerprint'; fingerprint: string }
  | { kind: 'insecure' };

export interface ClientOptions {
  host: string;
  port: number;
  /** undefined: plain TCP. */
  tls: TrustMode | undefined;
  /** Asked for after every (re)connection; undefined keeps the server's guest name. */
  nick: string | undefined;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
    throw new InvalidArgumentError('must be a port from 1 to 65535');
  }
  return n;
}

function nick(value: string): string {
  if (!isValidNick(value)) {
    throw new InvalidArgumentError('use 1-24 letters, digits, _ or -, starting with a letter');
  }
  return value;
}

function fingerprint(value: string): string {
  const normal = normaliseFingerprint(value);
  if (normal === undefined) {
    throw new InvalidArgumentError('must be a SHA-256 fingerprint: 32 hex bytes, e.g. AB:CD:...');
  }
  return normal;
}

interface RawOptions {
  host: string;
  port?: number;
  tls?: boolean;
  ca?: string;
  fingerprint?: string;
  insecure?: boolean;
  nick?: string;
}

function trustMode(raw: RawOptions): TrustMode | undefined {
  const tls = raw.tls === true || raw.ca !== undefined || raw.fingerprint !== undefined;
  if (!tls && raw.insecure !== true) return undefined;
  if (raw.ca !== undefined) return { kind: 'ca', caFile: raw.ca };
  if (raw.fingerprint !== undefined) return { kind: 'fingerprint', fingerprint: raw.fingerprint };
  if (raw.insecure === true) return { kind: 'insecure' };
  return { kind: 'known-hosts' };
}

const EPILOG = `
Keys: Enter sends, Up/Down recall history, Tab completes nicks and commands,
PgUp/PgDn scroll the messages, Ctrl-C quits.

Everything you type goes to the server as is (/help lists its commands); the
client itself handles only:
  /quit [reason]         leave and exit
  /clear                 empty the message pane
  /connect [host] [port] reconnect now, or to another server

TLS trust: without --ca, --fingerprint or --insecure, an unknown self-signed
server's SHA-256 fingerprint is shown once and, if you accept it, remembered in
$XDG_CONFIG_HOME/selectchat/known_hosts (default ~/.config/...). A server whose
certificate later changes is refused. Compare the fingerprint with the one the
server logs at start ("TLS certificate SHA-256 fingerprint ...").

When stdin or stdout is not a terminal, the client is a plain line client:
each line of stdin is sent, each server line is printed as received (less
control characters), notices go to stderr, and end of input quits. It exits 1
when it will not reconnect (turned away as banned, kicked, certificate not
trusted) or after 6 failed connections in a row.

Examples:
  selectchat                          plain TCP to 127.0.0.1:7000
  selectchat --tls --nick alice       TLS to 127.0.0.1:7443, asking once
  echo hello | selectchat --tls --fingerprint AB:CD:...`;

/** Parse argv; prints help or an error and exits on bad input, as CLIs do. */
export function parseOptions(argv: string[]): ClientOptions {
  const raw = new Command('selectchat')
    .description('A full-screen terminal client for a selectchat server, over TCP or TLS.')
    .version('0.1.0')
    .option('--host <host>', 'server host name or address', '127.0.0.1')
    .option(
      '--port <port>',
      `server port (default: ${DEFAULT_PORT}, or ${DEFAULT_TLS_PORT} with TLS)`,
      port,
    )
    .option('--tls', 'connect over TLS')
    .addOption(
      new Option(
        '--ca <file>',
        'trust only certificates signed by this PEM CA (implies --tls)',
      ).conflicts(['fingerprint', 'insecure']),
    )
    .addOption(
      new Option(
        '--fingerprint <sha256>',
        "pin the server certificate's SHA-256 fingerprint (implies --tls)",
      )
        .argParser(fingerprint)
        .conflicts('insecure'),
    )
    .option('--insecure', 'TLS without checking the certificate at all (implies --tls)')
    .option('--nick <name>', 'the nick to ask for on every connection', nick)
    .addHelpText('after', EPILOG)
    .parse(argv)
    .opts<RawOptions>();
  const tls = trustMode(raw);
  return {
    host: raw.host,
    port: raw.port ?? (tls === undefined ? DEFAULT_PORT : DEFAULT_TLS_PORT),
    tls,
    nick: raw.nick,
  };
}
