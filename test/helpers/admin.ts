/**
 * Admins in end-to-end tests: the default admin's password from the data dir, logging in, a
 * server with a TLS admin already logged in, users from distinct loopback addresses (127.0.0.2,
 * 127.0.0.3, ... are all this machine), clients the server turns away, and the real
 * `selectchat-server admin ...` command line.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

import { parseEvent, type ServerEvent } from '../../src/protocol/event-parser';
import { ChatClient, event } from './chat-client';
import { startServer, type RunningServer, type ScriptResult } from './process';
import { runMain } from './server-cli';
import { allowReset, track } from './tcp';
import { generatedCertificate } from './tls';

/** The default admin's password, as the server wrote it to its data dir. */
export function defaultPassword(dataDir: string): string {
  return fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
}

/** Logs `client` in and checks the answer. */
export async function login(client: ChatClient, password: string, name = 'admin'): Promise<void> {
  await client.send(`/login ${name} ${password}`);
  expect(await client.next()).toEqual(event('INFO', [], `you are now an admin (account ${name})`));
}

export interface AdminRoom {
  server: RunningServer;
  /** The server's certificate, for TLS clients to trust. */
  ca: string;
  /** The default admin, logged in over TLS from 127.0.0.1; its queue is empty. */
  admin: ChatClient;
}

/** A server with plain and TLS listeners (and `args`) and the default admin logged in. */
export async function adminRoom(args: readonly string[] = []): Promise<AdminRoom> {
  const server = await startServer(['--tls-port', '0', ...args]);
  const ca = generatedCertificate(server.dataDir).cert;
  const admin = await ChatClient.connectTls(server.tlsPort, { ca });
  await login(admin, defaultPassword(server.dataDir));
  return { server, ca, admin };
}

/** The loopback of `address`'s family: where a client from it connects (the server may be on ::). */
function loopbackFor(address: string): string {
  return address.includes(':') ? '::1' : '127.0.0.1';
}

/** A plain client from `address`; each of `watchers` consumes and checks its JOIN. */
export async function joinFrom(
  server: RunningServer,
  address: string,
  watchers: readonly ChatClient[],
): Promise<ChatClient> {
  const client = await ChatClient.connect(server.port, loopbackFor(address), address);
  for (const w of watchers) expect(await w.next()).toEqual(event('JOIN', [client.nick]));
  return client;
}

/** Every event of `text`, each of which must parse. */
function events(text: string): ServerEvent[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const parsed = parseEvent(line);
      if (parsed instanceof Error) throw parsed;
      return parsed;
    });
}

/** Connects over plain TCP from `localAddress`; resolves with all the server sent until it closed. */
export async function turnedAway(
  server: RunningServer,
  localAddress: string,
): Promise<ServerEvent[]> {
  const host = loopbackFor(localAddress);
  const socket = track(net.connect({ port: server.port, host, localAddress }));
  allowReset(socket);
  let received = '';
  socket.setEncoding('utf8').on('data', (text: string) => (received += text));
  await new Promise((resolve) => socket.once('close', resolve));
  return events(received);
}

/** As `turnedAway`, over TLS: the handshake must succeed first. */
export async function turnedAwayTls(
  server: RunningServer,
  ca: string,
  localAddress: string,
): Promise<ServerEvent[]> {
  const host = loopbackFor(localAddress);
  const raw = track(net.connect({ port: server.tlsPort, host, localAddress }));
  allowReset(raw);
  const socket = tls.connect({ socket: raw, host, ca });
  track(socket);
  let received = '';
  let secure = false;
  socket.once('secureConnect', () => (secure = true));
  socket.setEncoding('utf8').on('data', (text: string) => (received += text));
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') throw error;
  });
  await new Promise((resolve) => socket.once('close', resolve));
  expect(secure).toBe(true);
  return events(received);
}

/** What a banned client is told: `ERROR banned :<reason> (until <time>|permanent)`. */
export function bannedError(reason: string, until = 'permanent'): object {
  const tail = until === 'permanent' ? 'permanent' : `until ${until}`;
  return event('ERROR', ['banned'], `${reason} (${tail})`);
}

/** Runs `selectchat-server admin ...args` to completion with `input` on its standard input. */
export function runAdmin(args: readonly string[], input = ''): Promise<ScriptResult> {
  return runMain(['admin', ...args], input);
}
