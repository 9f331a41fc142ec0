/**
 * Chat over TLS against the real server: TLS 1.2 is the minimum (a TLS 1.1 client is refused
 * with one log line, 1.2 and 1.3 both work); every command works over TLS, and `/whois` tells TLS
 * users from plain ones in a room they share; a hundred TLS clients talking at once all get every
 * message in each sender's order, once; `openssl s_client` is a complete client; and SIGTERM says
 * goodbye to TLS clients as it does to plain ones.
 */
import { spawn } from 'node:child_process';
import type { TLSSocket } from 'node:tls';

import { parseEvent, type ServerEvent } from '../../src/protocol/event-parser';
import { ChatClient, event, ISO_TIME } from '../helpers/chat-client';
import { exchangeNumbered, rename } from '../helpers/chat-room';
import { watchLines } from '../helpers/lines';
import { startServer, type RunningServer } from '../helpers/process';
import { teardown } from '../helpers/teardown';
import { generatedCertificate, logged } from '../helpers/tls';
import { connectTlsSocket } from '../helpers/tls-connect';

/** A server with a plain and a TLS listener, and its generated certificate (a client's CA). */
async function start(args: string[] = []): Promise<{ server: RunningServer; ca: string }> {
  const server = await startServer(['--tls-port', '0', ...args]);
  return { server, ca: generatedCertificate(server.dataDir).cert };
}

const tlsVersion = (client: ChatClient): string | null =>
  (client.socket as TLSSocket).getProtocol();

test('TLS 1.2 is the minimum: a TLS 1.1 client is refused with one log line; 1.2 and 1.3 chat', async () => {
  const { server, ca } = await start();
  const watcher = await ChatClient.connect(server.port);
  await logged(server, /^connected as guest-1$/); // the log may come after the WELCOME
  const logStart = server.messages.length;

  const old = connectTlsSocket(server.tlsPort, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
  await expect(old).rejects.toThrow(/protocol version|unsupported protocol/i);
  const [line] = await logged(server, /^TLS handshake failed: /);
  expect(line).toMatch(/protocol/i);
  expect(server.messages.slice(logStart)).toEqual([line]);

  const v12 = await ChatClient.connectTls(server.tlsPort, { ca, maxVersion: 'TLSv1.2' });
  const v13 = await ChatClient.connectTls(server.tlsPort, { ca, minVersion: 'TLSv1.3' });
  expect([tlsVersion(v12), tlsVersion(v13)]).toEqual(['TLSv1.2', 'TLSv1.3']);
  // The refused client never joined: the watcher's next events are the JOINs of these two.
  expect(await watcher.next()).toEqual(event('JOIN', [v12.nick]));
  expect(await watcher.next()).toEqual(event('JOIN', [v13.nick]));
  expect([v12.nick, v13.nick]).toEqual(['guest-2', 'guest-3']);
  for (const from of [v12, v13]) {
    await from.send(`over ${tlsVersion(from)}`);
    for (const c of [watcher, v12, v13]) {
      expect(await c.next('MSG')).toEqual(event('MSG', [from.nick], `over ${tlsVersion(from)}`));
    }
  }
});

test('--port off: a TLS-only server', async () => {
  const { server, ca } = await start(['--port', 'off']);
  expect(server.port).toBeNaN();
  expect(server.messages.filter((m) => m.startsWith('listening on'))).toEqual([
    expect.stringMatching(/^listening on 127\.0\.0\.1:\d+ \(tls, /),
  ]);
  const client = await ChatClient.connectTls(server.tlsPort, { ca });
  await client.send('alone');
  expect(await client.next()).toEqual(event('MSG', [client.nick], 'alone'));
});

test('commands over TLS; /whois says tls or plain; plain and TLS users share one room', async () => {
  const { server, ca } = await start();
  const plain = await ChatClient.connect(server.port);
  const alice = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await plain.next()).toEqual(event('JOIN', [alice.nick]));
  const bob = await ChatClient.connectTls(server.tlsPort, { ca });
  for (const c of [plain, alice]) expect(await c.next()).toEqual(event('JOIN', [bob.nick]));
  const all = [plain, alice, bob];
  await rename(all, ['carol', 'alice', 'bob']);

  for (const [from, text] of [
    [plain, 'hello from plain'],
    [alice, 'hello from TLS'],
    [bob, '//slash over TLS'],
  ] as const) {
    await from.send(text);
    const said = text.startsWith('//') ? text.slice(1) : text;
    for (const c of all) expect(await c.next()).toEqual(event('MSG', [from.nick], said));
  }
  await alice.send('/me waves');
  for (const c of all) expect(await c.next()).toEqual(event('ACTION', ['alice'], 'waves'));
  await alice.send('/whisper CAROL psst');
  for (const c of [alice, plain]) {
    expect(await c.next()).toEqual(event('WHISPER', ['alice', 'carol'], 'psst'));
  }
  await plain.send('/whisper bob back');
  for (const c of [plain, bob]) {
    expect(await c.next()).toEqual(event('WHISPER', ['carol', 'bob'], 'back'));
  }

  await bob.send('/list');
  expect(await bob.next()).toEqual(event('USERS', ['carol', 'alice', 'bob']));
  await plain.send('/whois alice');
  expect(await plain.next()).toEqual(
    event('WHOIS', ['alice', `127.0.0.1:${alice.localPort}`], expect.stringMatching(/ tls$/)),
  );
  await alice.send('/whois carol');
  const whois = await alice.next();
  expect(whois).toEqual(
    event('WHOIS', ['carol', `127.0.0.1:${plain.localPort}`], expect.stringMatching(/ plain$/)),
  );
  expect(whois.text?.split(' ')[1]).toMatch(ISO_TIME);

  // Errors and the line framer work over TLS too, and the connection stays open after them.
  await bob.send('/dance');
  expect(await bob.next()).toEqual(event('ERROR', ['unknown-command'], expect.any(String)));
  await bob.send('x'.repeat(3000));
  expect(await bob.next()).toEqual(event('ERROR', ['line-too-long'], expect.any(String)));
  await bob.write('split ');
  await bob.write('in two\r\n');
  for (const c of all) expect(await c.next()).toEqual(event('MSG', ['bob'], 'split in two'));

  await alice.send('/quit bye over TLS');
  for (const c of [plain, bob])
    expect(await c.next()).toEqual(event('QUIT', ['alice'], 'bye over TLS'));
  expect(await alice.rest()).toEqual([]);
});

const CLIENTS = 100;
const PER_SENDER = 10;

test(`${CLIENTS} TLS clients each say ${PER_SENDER} numbered lines: all delivered to all, in order, once`, async () => {
  const { server, ca } = await start();
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => ChatClient.connectTls(server.tlsPort, { ca })),
  );
  await exchangeNumbered(clients, PER_SENDER);
});

test('openssl s_client, verifying the certificate, chats with a Node TLS client', async () => {
  const { server, ca } = await start();
  const node = await ChatClient.connectTls(server.tlsPort, { ca });
  const { certFile } = generatedCertificate(server.dataDir);
  // -verify_return_error and -verify_ip: the handshake fails unless the certificate checks out
  // for 127.0.0.1. -quiet also means stdin's end does not close the connection; /quit does.
  const s = spawn(
    'openssl',
    [
      's_client',
      '-quiet',
      '-connect',
      `127.0.0.1:${server.tlsPort}`,
      '-CAfile',
      certFile,
      '-verify_return_error',
      '-verify_ip',
      '127.0.0.1',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  s.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => s.once('exit', resolve));
  teardown(async () => {
    if (s.exitCode === null && s.signalCode === null) s.kill();
    await exited;
  });
  const lines = watchLines(s.stdout);
  const next = async (): Promise<ServerEvent> => {
    const parsed = parseEvent(await lines.next());
    if (parsed instanceof Error) throw parsed;
    return parsed;
  };

  expect(await next()).toEqual(event('WELCOME', ['guest-2'], expect.any(String)));
  expect(await node.next()).toEqual(event('JOIN', ['guest-2']));
  s.stdin.write('/nick ossl\nhello from openssl\n');
  for (const e of [
    event('NICK', ['guest-2', 'ossl']),
    event('MSG', ['ossl'], 'hello from openssl'),
  ]) {
    expect(await node.next()).toEqual(e);
    expect(await next()).toEqual(e);
  }
  await node.send('hello from node');
  expect(await next()).toEqual(event('MSG', [node.nick], 'hello from node'));
  s.stdin.write('/whois ossl\n');
  expect(await next()).toEqual(
    event('WHOIS', ['ossl', expect.any(String)], expect.stringMatching(/ tls$/)),
  );
  s.stdin.write('/quit bye from openssl\n');
  expect(await node.next('QUIT')).toEqual(event('QUIT', ['ossl'], 'bye from openssl'));
  expect(await exited).toBe(0);
  expect(stderr).toMatch(/verify return:1/);
  expect(stderr).not.toMatch(/verify error/i);
});

test('SIGTERM: TLS clients get INFO :server shutting down, then a clean close; exit 0', async () => {
  const { server, ca } = await start();
  const clients = [
    await ChatClient.connectTls(server.tlsPort, { ca }),
    await ChatClient.connectTls(server.tlsPort, { ca }),
    await ChatClient.connect(server.port),
  ];
  await clients[0]?.write('half a li'); // mid-line changes nothing
  server.child.kill('SIGTERM');
  for (const c of clients) {
    expect(await c.next('INFO')).toEqual(event('INFO', [], 'server shutting down'));
    // EOF (after close_notify, for TLS) with nothing after it and no socket error.
    expect(await c.rest()).toEqual([]);
  }
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.messages).toContain('SIGTERM: shutting down');
});
