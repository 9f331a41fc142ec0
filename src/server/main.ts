#!/usr/bin/env node
/** `selectchat-server`: read the command line, start the room, stop on a signal. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { EventLoop } from '../loop/event-loop';
import { serverContext } from '../transport/tls-channel';
import { loadCertificate } from './certificate';
import { ChatServer, formatAddress, type TlsListenOptions } from './chat-server';
import { parseConfig, type ServerConfig } from './config';
import { announce, createLogger, type Logger } from './log';
import { describeStats } from './server-stats';

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

async function start(config: ServerConfig, loop: EventLoop, log: Logger): Promise<ChatServer> {
  try {
    const host = await resolveHost(config.host);
    const tls = await tlsOptions(config, log);
    return new ChatServer(
      loop,
      { host, port: config.port, tls, maxLineBytes: config.maxLine, sendqBytes: config.sendq },
      log,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.fatal(`cannot start: ${message}`);
    process.exit(1);
  }
}

async function main(argv: string[]): Promise<void> {
  const config = parseConfig(argv);
  const log = createLogger(config.logLevel);
  const loop = new EventLoop({ maxFds: config.maxFds });
  loop.on('error', (error: Error) => {
    log.fatal({ err: error }, 'the readiness loop failed');
    process.exit(1);
  });

  if (config.traceLoop) {
    // Asked for by name, so shown at any level but silent.
    const trace = log.child(
      { component: 'loop' },
      { level: log.level === 'silent' ? 'silent' : 'info' },
    );
    loop.traceWaits((w) =>
      trace.info(
        `wait ${w.backend} fds=${w.fds} ready=${w.ready} blocked=${w.blockedUs.toFixed(1)}us ` +
          `dispatch=${w.dispatchUs.toFixed(1)}us`,
      ),
    );
  }
  const server = await start(config, loop, log);
  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    log.info(describeStats(server.stats()));
    server.close();
    // The process ends by itself once every client is closed; graceful
    // closes linger for a few seconds at most, so this is only a backstop.
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
  };
  // Handlers first: a supervisor may signal as soon as it reads the listening line.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const [kind, listener] of server.listeners) {
    announce(log, `listening on ${formatAddress(listener.address)} (${kind}, ${loop.backend})`);
  }
}

void main(process.argv);
