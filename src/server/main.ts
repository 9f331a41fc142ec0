#!/usr/bin/env node
/** `selectchat-server`: parse the command line, start, stop on a signal. */
import { Command, InvalidArgumentError } from 'commander';

import { EventLoop } from '../loop/event-loop';
import { BroadcastServer } from './broadcast';
import { createLogger, LOG_LEVELS, type LogLevel } from './log';

const VERSION = '0.1.0';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('must be a number from 0 to 65535 (0: any free port)');
  }
  return port;
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
  logLevel: LogLevel;
}

function main(argv: string[]): void {
  const program = new Command('selectchat-server')
    .description('A chat room over TCP, multiplexed by a native select(2) loop.')
    .version(VERSION)
    .option('--host <address>', 'numeric IPv4 or IPv6 address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0: any free port)', parsePort, 7000)
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, parseLevel, 'info')
    .parse(argv);
  const options = program.opts<Options>();
  const log = createLogger(options.logLevel);
  const loop = new EventLoop();
  loop.on('error', (error: Error) => {
    log.fatal({ err: error }, 'the readiness loop failed');
    process.exit(1);
  });

  let server: BroadcastServer;
  try {
    server = new BroadcastServer(loop, { host: options.host, port: options.port }, log);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.fatal(`cannot listen on ${options.host}:${options.port}: ${message}`);
    process.exit(1);
  }
  const { address, port } = server.listener.address;
  const shown = address.includes(':') ? `[${address}]` : address;
  log.info(`listening on ${shown}:${port} (backend ${loop.backend})`);

  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    server.close();
    // The process ends by itself once every client is closed; graceful
    // closes linger for a few seconds at most, so this is only a backstop.
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv);
