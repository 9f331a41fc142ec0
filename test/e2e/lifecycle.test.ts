/**
 * The server process itself: SIGTERM and SIGINT say goodbye to every client and exit 0 promptly;
 * the command line (`--help`, `--version`, bad values, a port in use) fails clearly; `--host ::1`
 * serves IPv6 clients.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { ChatClient, event } from '../helpers/chat-client';
import { rename, startRoom } from '../helpers/chat-room';
import { startServer } from '../helpers/process';
import { logLines, runServer } from '../helpers/server-cli';
import { teardown } from '../helpers/teardown';

const { version } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as { version: string };

const SHUTDOWN = event('INFO', [], 'server shutting down');

test.each(['SIGTERM', 'SIGINT'] as const)(
  '%s: every client gets INFO :server shutting down, then EOF; the server exits 0',
  async (signal) => {
    const { server, clients } = await startRoom(3);
    // One client is mid-line and one has a filter: neither changes the goodbye.
    await clients[0]?.write('half a li');
    await clients[1]?.send('/filter server');
    await clients[1]?.next('INFO');
    const sent = Date.now();
    server.child.kill(signal);
    for (const c of clients) expect(await c.next()).toEqual(SHUTDOWN);
    for (const c of clients) expect(await c.rest()).toEqual([]);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Well before the 2 s linger and the 5 s backstop: clients that close on EOF let it go at once.
    expect(Date.now() - sent).toBeLessThan(1900);
    expect(server.messages).toContain(`${signal}: shutting down`);
  },
);

test('shutdown: a client that never closes its side only delays the exit by the linger', async () => {
  const server = await startServer();
  const stubborn = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
  teardown(() => stubborn.destroy());
  let received = '';
  stubborn.setEncoding('utf8').on('data', (text: string) => (received += text));
  const ended = new Promise((resolve) => stubborn.once('end', resolve));
  await new Promise((resolve) => stubborn.once('data', resolve)); // WELCOME
  const sent = Date.now();
  server.child.kill('SIGTERM');
  await ended;
  expect(received).toMatch(/ WELCOME guest-1 :.*\n\S+ INFO :server shutting down\n$/);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(Date.now() - sent).toBeLessThan(4500);
});

test('--help exits 0 and lists every option; --version prints the version', async () => {
  const help = await runServer(['--help']);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  for (const option of [
    '--host <host>',
    '--port <port>',
    '--data-dir <dir>',
    '--log-level <level>',
    '--max-line <bytes>',
    '--version',
    '--help',
  ]) {
    expect(help.stdout).toContain(option);
  }
  expect(help.stdout).toMatch(/^Usage: selectchat-server \[options\]/);
  expect(await runServer(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
});

test.each([
  [['--port', '99999'], /option '--port <port>' argument '99999' is invalid.*from 0 to 65535/],
  [['--port', 'abc'], /option '--port <port>' argument 'abc' is invalid.*from 0 to 65535/],
  [['--port', '-1'], /option '--port <port>' argument '-1' is invalid/],
  [['--max-line', '10'], /option '--max-line <bytes>' argument '10' is invalid.*from 64/],
  [['--log-level', 'loud'], /option '--log-level <level>' argument 'loud' is invalid/],
  [['--bogus'], /unknown option '--bogus'/],
])('%j exits non-zero with a clear message on stderr', async (args, message) => {
  const result = await runServer(args);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).not.toContain('listening on');
});

test('--log-level warn still announces the listener, and logs no connects', async () => {
  const server = await startServer(['--log-level', 'warn']);
  const client = await ChatClient.connect(server.port);
  await client.send('/quit');
  await client.rest();
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.messages).toEqual([expect.stringMatching(/^listening on 127\.0\.0\.1:\d+ /)]);
});

test('a port in use: one fatal log line naming it, and exit code 1', async () => {
  const first = await startServer();
  const result = await runServer(['--port', String(first.port)]);
  expect(result.code).toBe(1);
  expect(logLines(result.stdout)).toEqual([
    {
      level: 60,
      time: expect.any(Number),
      msg: expect.stringMatching(
        new RegExp(
          `^cannot start: cannot listen on 127\\.0\\.0\\.1:${first.port} \\(plain\\): .*(EADDRINUSE|in use)`,
        ),
      ),
    },
  ]);
  // The first server is unharmed.
  const client = await ChatClient.connect(first.port);
  expect(client.nick).toBe('guest-1');
});

test('--host ::1 serves IPv6 clients; WHOIS shows the address in brackets', async () => {
  const { server, clients } = await startRoom(2, ['--host', '::1']);
  const [a, b] = clients as [ChatClient, ChatClient];
  expect(server.host).toBe('::1');
  expect(server.messages[0]).toMatch(/^listening on \[::1\]:\d+ /);
  await rename(clients, ['six']);
  await b.send('/whois six');
  expect(await b.next()).toEqual(
    event('WHOIS', ['six', `[::1]:${a.localPort}`], expect.stringMatching(/ plain$/)),
  );
  await b.send('over IPv6');
  for (const c of clients) expect(await c.next()).toEqual(event('MSG', [b.nick], 'over IPv6'));
  // Not on IPv4.
  const v4 = net.connect(server.port, '127.0.0.1');
  teardown(() => v4.destroy());
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => v4.once('error', resolve));
  expect(error.code).toBe('ECONNREFUSED');
});

test('--host takes a host name too: localhost is looked up and served', async () => {
  const { server, clients } = await startRoom(1, ['--host', 'localhost']);
  expect(server.messages[0]).toMatch(/^listening on (127\.0\.0\.1|\[::1\]):\d+ /);
  const [a] = clients as [ChatClient];
  await a.send('via a name');
  expect(await a.next()).toEqual(event('MSG', [a.nick], 'via a name'));
});

test('a host name that does not resolve is a clear fatal error, exit 1', async () => {
  const result = await runServer(['--host', 'no-such-host.invalid', '--port', '0']);
  expect(result.code).toBe(1);
  expect(logLines(result.stdout).map((l) => l.msg)).toEqual([
    expect.stringMatching(
      /^cannot start: cannot resolve --host no-such-host\.invalid: .*ENOTFOUND/,
    ),
  ]);
});

test('--max-fds: a connection whose fd reaches the ceiling gets ERROR server-full, then EOF', async () => {
  const { server, clients } = await startRoom(1, ['--max-fds', '64']);
  const [a] = clients as [ChatClient];
  // The server already holds ~25 fds of its own; 60 more connections must pass fd 64.
  const sockets = Array.from({ length: 60 }, () => net.connect(server.port, '127.0.0.1'));
  for (const socket of sockets) teardown(() => socket.destroy());
  const firstLines = await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let text = '';
          socket.setEncoding('utf8').on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
          });
          socket.on('close', () => resolve(text));
        }),
    ),
  );
  const refused = firstLines.filter((line) => / ERROR server-full :/.test(line));
  expect(refused.length).toBeGreaterThan(0);
  expect(firstLines.length - refused.length).toBeGreaterThan(0); // those below the ceiling joined
  // The server keeps serving the room.
  await a.send('still serving');
  expect(await a.nextWhere((e) => e.type === 'MSG', 'MSG')).toEqual(
    event('MSG', [a.nick], 'still serving'),
  );
});
