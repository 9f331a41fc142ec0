#!/usr/bin/env node
/** `selectchat-server`: read the command line, start the room, stop on a signal. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { EventLoop } from '../loop/event-loop';
import { serverContext } from '../transport/tls-channel';
import { loadCertificate } from './certificate';
import { ChatServer, formatAddress, type TlsListenOptions } from './chat-server';
import { parseConfig, type ServerConfig } from './config';
import { fdCeiling } from './fd-ceiling';
import { announce, createLogger, type Logger } from './log';

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5000;

/** The native listener takes numeric addresses; a name is looked up first. */
async function resolveHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new Error(`cannot resolve --host ${host}: ${(error as Error).message}`);
  }
}

async function tlsOptions(
  config: ServerConfig,
  log: Logger,
): Promise<TlsListenOptions | undefined> {
  if (config.tlsPort === undefined) return undefined;
  const certificate = await loadCertificate({
    dataDir: config.dataDir,
    certFile: config.tlsCert,
    keyFile: config.tlsKey,
  });
  if (certificate.generated)
    announce(log, `created a self-signed certificate ${certificate.certFile}`);
  announce(log, `TLS certificate SHA-256 fingerprint ${certificate.fingerprint}`);
  return {
    port: config.tlsPort,
    context: serverContext(certificate.cert, certificate.key),
    handshakeTimeoutMs: config.handshakeTimeout * 1000,
  };
}

async function start(
  config: ServerConfig,
  loop: EventLoop | undefined,
  maxFds: number,
  log: Logger,
): Promise<ChatServer> {
  try {
    const host = await resolveHost(config.host);
    const tls = await tlsOptions(config, log);
    const { port, maxLine: maxLineBytes, sendq: sendqBytes } = config;
    const server = new ChatServer(loop, { host, port, tls, maxLineBytes, sendqBytes, maxFds }, log);
    await server.listening;
    return server;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.fatal(`cannot start: ${message}`);
    process.exit(1);
  }
}

async function main(argv: string[]): Promise<void> {
  const config = parseConfig(argv);
  const log = createLogger(config.logLevel);
  const { maxFds, fdLimit } = fdCeiling(config.backend, config.maxFds);
  // --backend node: Node's own sockets, no readiness loop of ours.
  const loop =
    config.backend === 'node' ? undefined : new EventLoop({ backend: config.backend, maxFds });
  loop?.on('error', (error: Error) => {
    log.fatal({ err: error }, 'the readiness loop failed');
    process.exit(1);
  });

  const server = await start(config, loop, maxFds, log);
  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    server.close();
    // The process ends by itself once every client is closed; graceful
    // closes linger for a few seconds at most, so this is only a backstop.
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
  };
  // Handlers first: a supervisor may signal as soon as it reads the listening line.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const [kind, listener] of server.listeners) {
    announce(log, `listening on ${formatAddress(listener.address)} (${kind}, ${config.backend})`);
  }
  log.info(`connections get fds below ${maxFds} (fd limit ${fdLimit})`);
}

void main(process.argv);
