/**
 * The fd ceiling of every backend: `--max-fds`, or the backend's own (select's 8192), but never
 * more than the fd limit less a reserve of 64. With RLIMIT_NOFILE at 160 the server gives
 * connections fds below 160 − 64, refuses the rest with one `ERROR server-full` line and a close,
 * never runs out of fds itself, and goes on serving: a newcomer takes the fd of one who left.
 */
import fs from 'node:fs';
import net from 'node:net';

import { suiteBackend } from '../helpers/backends';
import { ChatClient, event } from '../helpers/chat-client';
import { openFdCount } from '../helpers/fds';
import { startServer } from '../helpers/process';
import { teardown } from '../helpers/teardown';
import { logged } from '../helpers/tls';

const FD_LIMIT = 160;
const CEILING = FD_LIMIT - 64;
/** More than fit below the ceiling, which the server's own ~20 fds already start to fill. */
const CONNECTIONS = CEILING + 10;

/** A raw connection's first line (or all it got, if it was closed before a newline). */
function firstLine(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    socket.on('close', () => resolve(text));
  });
}

/** The hard RLIMIT_NOFILE, which the server raises its soft limit to (from /proc/self/limits). */
function hardFdLimit(): number {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  return Number(/^Max open files\s+\S+\s+(\d+)/m.exec(limits)?.[1]);
}

const backend = suiteBackend();

test('the ceiling: select 8192 by default, the others the fd limit; both less the reserve', async () => {
  const limit = hardFdLimit();
  const own = backend === 'select' ? Math.min(8192, limit - 64) : limit - 64;
  const servers = [await startServer(), await startServer(['--max-fds', '100'])];
  await logged(
    servers[0],
    new RegExp(`^connections get fds below ${own} \\(fd limit ${limit}\\)$`),
  );
  await logged(servers[1], new RegExp(`^connections get fds below 100 \\(fd limit ${limit}\\)$`));
});

test(`RLIMIT_NOFILE ${FD_LIMIT}: fds from ${CEILING} up are refused with ERROR server-full`, async () => {
  const server = await startServer([], { shell: `ulimit -n ${FD_LIMIT}` });
  await logged(
    server,
    new RegExp(`^connections get fds below ${CEILING} \\(fd limit ${FD_LIMIT}\\)$`),
  );
  const watcher = await ChatClient.connect(server.port);
  const sockets = Array.from({ length: CONNECTIONS }, () => {
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined); // a refused client may be reset
    teardown(() => socket.destroy());
    return socket;
  });
  const lines = await Promise.all(sockets.map(firstLine));
  const refused = sockets.filter((_, i) => / ERROR server-full :/.test(lines[i] as string));
  const joined = lines.filter((line) => / WELCOME guest-\d+ :/.test(line));
  expect(refused.length).toBeGreaterThan(0);
  expect(joined.length).toBeGreaterThan(CEILING / 2);
  expect(refused.length + joined.length).toBe(CONNECTIONS);
  // The one line, then the end: nothing more.
  for (const socket of refused) {
    if (!socket.readableEnded) await new Promise((resolve) => socket.once('end', resolve));
  }
  // The server never took the fds it keeps for itself.
  expect(openFdCount(server.pid)).toBeLessThan(CEILING + 10);

  // It goes on: one client leaves (its fd is closed once it is logged), a newcomer takes its fd.
  const at = lines.findIndex((line) => / WELCOME /.test(line));
  const nick = (/ WELCOME (\S+) :/.exec(lines[at] as string) as RegExpExecArray)[1] as string;
  (sockets[at] as net.Socket).end('/quit\n');
  await logged(server, new RegExp(`^disconnected ${nick}: quit$`));
  const newcomer = await ChatClient.connect(server.port);
  await newcomer.send('in after all');
  expect(await watcher.nextWhere((e) => e.type === 'MSG', 'MSG')).toEqual(
    event('MSG', [newcomer.nick], 'in after all'),
  );
});
