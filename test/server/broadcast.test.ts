/**
 * The real `selectchat-server` (dist/src/server/main.js) as a child process on a free port, with
 * Node clients and socat as peers: lines are broadcast whole however they are split, SIGTERM
 * says goodbye and exits 0, and connections leave no fd behind in the server.
 */
import { spawn, spawnSync } from 'node:child_process';
import type net from 'node:net';

import { openFdCount } from '../helpers/fds';
import { ended, readLine, watchLines } from '../helpers/lines';
import { startServer, type RunningServer } from '../helpers/process';
import { connect } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

const count = (server: RunningServer, message: string): number =>
  server.messages.filter((m) => m === message).length;

/** Connect `n` clients and wait until the server has logged each of them. */
async function clients(server: RunningServer, n: number): Promise<net.Socket[]> {
  const before = count(server, 'connected');
  const sockets = await Promise.all(Array.from({ length: n }, () => connect(server.port)));
  for (const socket of sockets) watchLines(socket);
  await eventually(() => (count(server, 'connected') >= before + n ? true : undefined));
  return sockets;
}

/** Every client's next line. */
const nextLines = (sockets: net.Socket[]): Promise<string[]> => Promise.all(sockets.map(readLine));

test('a line from one client reaches all three, however it was split into writes', async () => {
  const server = await startServer();
  expect(server.host).toBe('127.0.0.1');
  const [a, b, c] = await clients(server, 3);
  const all = [a, b, c];

  a.write('hello ');
  b.write('sync\n'); // a's line is half-sent while another line goes round
  expect(await nextLines(all)).toEqual(['sync', 'sync', 'sync']);
  a.write('world\n');
  expect(await nextLines(all)).toEqual(['hello world', 'hello world', 'hello world']);

  c.write('one\ntwo\nthr');
  c.write('ee\n');
  for (const line of ['one', 'two', 'three']) {
    expect(await nextLines(all)).toEqual([line, line, line]);
  }
});

test('SIGTERM: every client is told the server is shutting down, then it exits 0', async () => {
  const server = await startServer();
  const sockets = await clients(server, 3);
  const ends = sockets.map(ended);
  server.child.kill('SIGTERM');
  expect(await nextLines(sockets)).toEqual(Array(3).fill('server shutting down'));
  await Promise.all(ends);
  expect(await server.exited).toEqual({ code: 0, signal: null });
});

test('200 connect/disconnect cycles leave the server with as many fds as before', async () => {
  const server = await startServer();
  // One connection first, so whatever a first client makes the server load is counted.
  const [first] = await clients(server, 1);
  first.end();
  await eventually(() => (count(server, 'disconnected') === 1 ? true : undefined));
  const before = openFdCount(server.pid);

  const cycles = 200;
  const lanes = 10;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < cycles; i += lanes) {
        const socket = await connect(server.port);
        const closed = new Promise((resolve) => socket.once('close', resolve));
        if (i % 4 === 0)
          socket.resetAndDestroy(); // some leave rudely
        else socket.end();
        await closed;
      }
    }),
  );
  await eventually(() => (count(server, 'disconnected') === cycles + 1 ? true : undefined));
  expect(count(server, 'connected')).toBe(cycles + 1);
  expect(Math.abs(openFdCount(server.pid) - before)).toBeLessThanOrEqual(2);
});

test('--host ::1 serves IPv6 clients', async () => {
  const server = await startServer(['--host', '::1']);
  expect(server.host).toBe('::1');
  expect(server.messages[0]).toMatch(/^listening on \[::1\]:\d+ \(backend select\)$/);
  const [a, b] = await Promise.all([connect(server.port, '::1'), connect(server.port, '::1')]);
  for (const socket of [a, b]) watchLines(socket);
  await eventually(() => (count(server, 'connected') === 2 ? true : undefined));
  a.write('over six\n');
  expect(await nextLines([a, b])).toEqual(['over six', 'over six']);
});

const hasSocat = spawnSync('sh', ['-c', 'command -v socat']).status === 0;

(hasSocat ? test : test.skip)(
  'socat, an external client, exchanges lines with the server',
  async () => {
    const server = await startServer();
    const [node] = await clients(server, 1);
    const socat = spawn('socat', ['-', `TCP:127.0.0.1:${server.port}`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => socat.once('exit', resolve));
    teardown(async () => {
      socat.kill();
      await exited;
    });
    watchLines(socat.stdout);
    await eventually(() => (count(server, 'connected') === 2 ? true : undefined));

    socat.stdin.write('from socat\n');
    expect(await readLine(node)).toBe('from socat');
    expect(await readLine(socat.stdout)).toBe('from socat');
    node.write('from node\n');
    expect(await readLine(socat.stdout)).toBe('from node');
    expect(await readLine(node)).toBe('from node');

    // socat's stdin closing sends FIN; the server closes its side and socat exits.
    socat.stdin.end();
    expect(await exited).toBe(0);
  },
);
