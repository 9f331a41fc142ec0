#!/usr/bin/env node
/** `selectchat-server`: parse the command line, start, stop on a signal. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { Command, InvalidArgumentError } from 'commander';

import { EventLoop } from '../loop/event-loop';
import { MAX_LINE_BYTES } from '../protocol/limits';
import { ChatServer, formatAddress } from './chat-server';
import { announce, createLogger, LOG_LEVELS, type LogLevel, type Logger } from './log';

const VERSION = '0.1.0';

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5000;

function integer(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`must be ${what} from ${min} to ${max}`);
    }
    return n;
  };
}

function parseLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return value as LogLevel;
}

interface Options {
  host: string;
  port: number;
  dataDir: string;
  logLevel: LogLevel;
  maxLine: number;
}

function parseOptions(argv: string[]): Options {
  return new Command('selectchat-server')
    .description('A chat room over TCP, multiplexed by a native select(2) loop.')
    .version(VERSION)
    .option('--host <host>', 'IPv4 or IPv6 address (or host name) to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0: any free port)', integer(0, 65535, 'a port'), 7000)
    .option('--data-dir <dir>', 'where the server keeps its files', 'data')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, parseLevel, 'info')
    .option(
      '--max-line <bytes>',
      'longest line a client may send',
      integer(64, 1 << 20, 'a size in bytes'),
      MAX_LINE_BYTES,
    )
    .parse(argv)
    .opts<Options>();
}

/** The native listener takes numeric addresses; a name is looked up first. */
async function resolveHost(host: string): Promise<string> {
  return isIP(host) !== 0 ? host : (await lookup(host)).address;
}

async function start(options: Options, loop: EventLoop, log: Logger): Promise<ChatServer> {
  try {
    const host = await resolveHost(options.host);
    return new ChatServer(loop, { host, port: options.port, maxLineBytes: options.maxLine }, log);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.fatal(`cannot listen on ${options.host}:${options.port}: ${message}`);
    process.exit(1);
  }
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const log = createLogger(options.logLevel);
  const loop = new EventLoop();
  loop.on('error', (error: Error) => {
    log.fatal({ err: error }, 'the readiness loop failed');
    process.exit(1);
  });

  const server = await start(options, loop, log);
  announce(log, `listening on ${formatAddress(server.listener.address)} (backend ${loop.backend})`);

  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    server.close();
    // The process ends by itself once every client is closed; graceful
    // closes linger for a few seconds at most, so this is only a backstop.
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main(process.argv);
