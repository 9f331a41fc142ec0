/** The server's command line: every option, its default and its check. */
import { Command, InvalidArgumentError, Option } from 'commander';

import { addon } from '../native/addon';
import {
  FLOOD_BURST_LINES,
  FLOOD_RATE_LINES,
  KEEPALIVE_SECONDS,
  MAX_LINE_BYTES,
  MAX_PER_IP,
  MAX_RECVQ_BYTES,
  MAX_SENDQ_BYTES,
} from '../protocol/limits';
import { DEFAULT_MAX_FDS } from '../loop/event-loop';
import { LOG_LEVELS, type LogLevel } from './log';

export const VERSION = '0.1.0';

export interface ServerConfig {
  host: string;
  /** undefined: `off` */
  port: number | undefined;
  tlsPort: number | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  handshakeTimeout: number; // seconds
  dataDir: string;
  logLevel: LogLevel;
  maxLine: number;
  sendq: number;
  /** undefined: the backend's own (select: DEFAULT_MAX_FDS; the others: the fd limit) */
  maxFds: number | undefined;
  /** One of BACKENDS. */
  backend: string;
  allowPlainLogin: boolean;
  traceLoop: boolean;
  /** undefined: what the fd ceiling leaves room for (see defaultMaxClients) */
  maxClients: number | undefined;
  /** 0: no limit */
  maxPerIp: number;
  limitLoopback: boolean;
  floodBurst: number;
  /** lines per second; 0: flood control off */
  floodRate: number;
  recvq: number;
  /** seconds; 0: off */
  keepalive: number;
}

/** The native loop's backends (select, poll, epoll where built), and Node's own sockets. */
export const BACKENDS: readonly string[] = [...addon.backends, 'node'];

function integer(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`must be ${what} from ${min} to ${max}`);
    }
    return n;
  };
}

/** A decimal number such as `5` or `0.5`, from `min` to `max`. */
function decimal(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`must be ${what} from ${min} to ${max}`);
    }
    return n;
  };
}

function portOrOff(value: string): number | 'off' {
  return value === 'off' ? 'off' : integer(0, 65535, 'off or a port')(value);
}

function parseLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return value as LogLevel;
}

/** Parse argv; prints help or an error and exits on bad input, as CLIs do. */
export function parseConfig(argv: string[]): ServerConfig {
  const config = new Command('selectchat-server')
    .description('A chat room over TCP and TLS, multiplexed by a native select(2) loop.')
    .version(VERSION)
    .option('--host <host>', 'IPv4 or IPv6 address (or host name) to listen on', '127.0.0.1')
    .option('--port <port>', 'plain TCP port (0: any free port; off: none)', portOrOff, 7000)
    .option('--tls-port <port>', 'TLS port (0: any free port; off: none)', portOrOff, 7443)
    .option('--tls-cert <file>', 'PEM certificate (default: a self-signed one in the data dir)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--handshake-timeout <seconds>',
      'drop a TLS client whose handshake takes longer',
      integer(1, 3600, 'seconds'),
      10,
    )
    .option('--data-dir <dir>', 'where the server keeps its files', 'data')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, parseLevel, 'info')
    .option(
      '--max-line <bytes>',
      'longest line a client may send',
      integer(64, 1 << 20, 'a size in bytes'),
      MAX_LINE_BYTES,
    )
    .option(
      '--sendq <bytes>',
      'most output a client may be owed; past it a client that does not read is dropped',
      integer(4096, 1 << 30, 'a size in bytes'),
      MAX_SENDQ_BYTES,
    )
    .addOption(
      new Option('--backend <name>', "what multiplexes the sockets; node: Node's own net/tls")
        .choices(BACKENDS)
        .default('select'),
    )
    .option(
      '--max-fds <n>',
      'connections whose fd reaches this are refused with ERROR server-full ' +
        `(default: ${DEFAULT_MAX_FDS} for select, the fd limit for the others; ` +
        'at most the fd limit less a reserve)',
      integer(64, 1 << 20, 'a number'),
    )
    .option(
      '--max-clients <n>',
      'connections at once; past it newcomers get ERROR server-full ' +
        '(default: as many as the fd ceiling leaves room for)',
      integer(1, 1 << 20, 'a number'),
    )
    .option(
      '--max-per-ip <n>',
      'connections at once from one address (IPv6: one /64); past it, ' +
        'ERROR too-many-connections (0: no limit)',
      integer(0, 1 << 20, 'a number'),
      MAX_PER_IP,
    )
    .option(
      '--limit-loopback',
      'apply --max-per-ip to loopback clients too (by default they are exempt: ' +
        "local users, or a proxy in front of the server, share the machine's address)",
      false,
    )
    .option(
      '--flood-burst <lines>',
      'lines a client may send at once before flood control holds the rest back',
      integer(1, 100_000, 'a number of lines'),
      FLOOD_BURST_LINES,
    )
    .option(
      '--flood-rate <lines>',
      'lines per second a client may send after its burst; the rest wait (0: flood control off)',
      decimal(0, 100_000, 'lines per second'),
      FLOOD_RATE_LINES,
    )
    .option(
      '--recvq <bytes>',
      'most input held back from a flooding client; past it the client is dropped (at most one ' +
        'read, 64 KiB, is ever held, so only a smaller value drops anyone)',
      integer(1024, 1 << 30, 'a size in bytes'),
      MAX_RECVQ_BYTES,
    )
    .option(
      '--keepalive <seconds>',
      'TCP keepalive: probe a connection silent this long, drop it if it does not answer (0: off)',
      integer(0, 32767, 'seconds'),
      KEEPALIVE_SECONDS,
    )
    .option(
      '--allow-plain-login',
      'accept /login on plain TCP too, where the password crosses the network unencrypted',
      false,
    )
    .addHelpText(
      'after',
      '\nAdmin accounts: selectchat-server admin add|remove|list (see admin --help)',
    )
    .option(
      '--trace-loop',
      'log every wait of the readiness loop (fds, ready, time blocked)',
      false,
    )
    .parse(argv)
    .opts<
      Omit<ServerConfig, 'port' | 'tlsPort'> & { port: number | 'off'; tlsPort: number | 'off' }
    >();
  if (config.port === 'off' && config.tlsPort === 'off') {
    process.stderr.write('error: --port and --tls-port cannot both be off\n');
    process.exit(1);
  }
  return {
    ...config,
    port: config.port === 'off' ? undefined : config.port,
    tlsPort: config.tlsPort === 'off' ? undefined : config.tlsPort,
  };
}
