#!/usr/bin/env node
/** `selectchat-server`: read the command line, start the room, stop on a signal. */
import { lookup } from 'node:dns/promises';
import fs from 'node:fs';
import { isIP } from 'node:net';

import { runAdminCli } from '../admin/cli';
import { openAdminState, type AdminState } from '../admin/open';
import { EventLoop } from '../loop/event-loop';
import { serverContext } from '../transport/tls-channel';
import { loadCertificate } from './certificate';
import { formatAddress } from '../protocol/address';
import { ChatServer, type TlsListenOptions } from './chat-server';
import { parseConfig, type ServerConfig } from './config';
import type { StatsLine } from '../chat/commands/stats';
import type { FloodOptions } from './flood-control';
import { defaultMaxClients, fdCeiling, type FdCeiling } from './fd-ceiling';
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

/** Flood control as configured; undefined when `--flood-rate 0` turns it off. */
function floodOptions(config: ServerConfig): FloodOptions | undefined {
  if (config.floodRate === 0) return undefined;
  return { burst: config.floodBurst, ratePerSecond: config.floodRate, recvqBytes: config.recvq };
}

/** The settings `/stats` shows first, by the names of their flags. */
function settings(config: ServerConfig, ceiling: FdCeiling, maxClients: number): StatsLine[] {
  return [
    ['backend', config.backend],
    ['max-clients', maxClients],
    ['max-per-ip', config.maxPerIp],
    ['loopback-exempt', config.limitLoopback ? 'no' : 'yes'],
    ['max-fds', ceiling.maxFds],
    ['fd-limit', ceiling.fdLimit],
    ['max-line', config.maxLine],
    ['sendq', config.sendq],
    ['recvq', config.recvq],
    ['flood-burst', config.floodBurst],
    ['flood-rate', config.floodRate],
    ['handshake-timeout', config.handshakeTimeout],
    ['keepalive', config.keepalive],
  ];
}

/** Accounts and bans from the data dir; a fresh one gets the default admin. */
async function adminState(config: ServerConfig, log: Logger): Promise<AdminState> {
  const { allowPlainLogin } = config;
  if (allowPlainLogin) {
    log.warn('--allow-plain-login: admin passwords may cross the network in clear');
  }
  return openAdminState(config.dataDir, { allowPlainLogin, log });
}

/**
 * Where the default admin's password is, while its file exists: logged after the listening lines
 * (which tools wait for), and at each start until the file is gone, so a start that failed right
 * after creating it does not hide it.
 */
function reportAdmin(state: AdminState, log: Logger): void {
  const file = state.passwordFile;
  if (state.createdPasswordFile !== undefined) {
    log.info(
      `created the admin account "admin"; its password is in ${file} (readable only by you): ` +
        'connect over TLS and type /login admin <password>',
    );
  } else if (fs.existsSync(file)) {
    log.info(
      `the default admin's password is still in ${file}; once you have it, delete the file ` +
        'or set a new one with: selectchat-server admin add admin',
    );
  }
  if (state.bans > 0) log.info(`${state.bans} ban(s) in force`);
}

async function start(
  config: ServerConfig,
  loop: EventLoop | undefined,
  ceiling: FdCeiling,
  log: Logger,
): Promise<[ChatServer, AdminState]> {
  try {
    const host = await resolveHost(config.host);
    const tls = await tlsOptions(config, log);
    const admin = await adminState(config, log);
    const { port, maxLine: maxLineBytes, sendq: sendqBytes, maxPerIp, limitLoopback } = config;
    const { moderation } = admin;
    const maxClients = config.maxClients ?? defaultMaxClients(ceiling.maxFds);
    const server = new ChatServer(
      loop,
      {
        host,
        port,
        tls,
        maxLineBytes,
        sendqBytes,
        maxFds: ceiling.maxFds,
        moderation,
        limits: { maxClients, maxPerIp, limitLoopback },
        flood: floodOptions(config),
        keepaliveSeconds: config.keepalive,
        settings: settings(config, ceiling, maxClients),
      },
      log,
    );
    await server.listening;
    return [server, admin];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.fatal(`cannot start: ${message}`);
    process.exit(1);
  }
}

/** `--trace-loop`: one log line per wait. Asked for by name, so shown at any level but silent. */
function traceLoop(loop: EventLoop | undefined, log: Logger): void {
  if (loop === undefined) {
    log.warn('--trace-loop traces our readiness loop; --backend node has none (libuv waits)');
    return;
  }
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

async function main(argv: string[]): Promise<void> {
  // `selectchat-server admin ...` manages accounts; anything else starts the server.
  if (argv[2] === 'admin') {
    process.exitCode = await runAdminCli(argv.slice(3));
    return;
  }
  const config = parseConfig(argv);
  const log = createLogger(config.logLevel);
  const ceiling = fdCeiling(config.backend, config.maxFds);
  const { maxFds, fdLimit } = ceiling;
  // --backend node: Node's own sockets, no readiness loop of ours.
  const loop =
    config.backend === 'node' ? undefined : new EventLoop({ backend: config.backend, maxFds });
  loop?.on('error', (error: Error) => {
    log.fatal({ err: error }, 'the readiness loop failed');
    process.exit(1);
  });

  if (config.traceLoop) traceLoop(loop, log);
  const [server, admin] = await start(config, loop, ceiling, log);
  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    log.info(server.summary());
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
  const { maxClients, maxPerIp, limitLoopback } = server.admission.limits;
  const perIp = maxPerIp === 0 ? 'no limit per address' : `at most ${maxPerIp} per address`;
  const loopback = maxPerIp === 0 || limitLoopback ? '' : ' (loopback exempt)';
  log.info(`at most ${maxClients} connections, ${perIp}${loopback}`);
  reportAdmin(admin, log);
}

void main(process.argv);
