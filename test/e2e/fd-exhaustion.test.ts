/**
 * Running out of file descriptors (EMFILE on accept), on every backend. The server sizes its fd
 * ceiling from the limit it starts with (fd-ceiling.test.ts), so here the limit is lowered under
 * the running server with prlimit(1), as an admin or a leak elsewhere would. Connections past it
 * are turned away (on the native backends with `ERROR server-full`, the listener's reserve fd
 * making room to say it; on node libuv closes them without a word), the listening fd that stays
 * readable does not make the server spin (its CPU time, from /proc, stays far from a busy loop's
 * while more connections keep coming), the room goes on, and when fds free up newcomers join.
 */
import { execFileSync } from 'node:child_process';
import net from 'node:net';

import { currentBackend } from '../helpers/backends';
import { ChatClient, event } from '../helpers/chat-client';
import { openFdCount } from '../helpers/fds';
import { startServer } from '../helpers/process';
import { cpuShare, sleep } from '../helpers/proc';
import { teardown } from '../helpers/teardown';
import { logged } from '../helpers/tls';

const HEADROOM = 15; // fds the server may still open once its limit is lowered
const ATTEMPTS = 40;

/** Connects and resolves with everything the server sent before it closed, or `joined`. */
function attempt(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    teardown(() => socket.destroy());
    let text = '';
    socket.on('error', () => undefined); // a connection closed unread may be reset
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (/ WELCOME /.test(text)) resolve('joined');
    });
    socket.on('close', () => resolve(text));
  });
}

test('EMFILE: connections past the fd limit are turned away, without a spin; fds freed are used', async () => {
  const server = await startServer();
  const members = await ChatClient.connectMany(3, server.port);
  const limit = openFdCount(server.pid) + HEADROOM;
  execFileSync('prlimit', [`--pid=${server.pid}`, `--nofile=${limit}:${limit}`]);

  const outcomes = await Promise.all(Array.from({ length: ATTEMPTS }, () => attempt(server.port)));
  const joined = outcomes.filter((o) => o === 'joined').length;
  expect(joined).toBeGreaterThan(0);
  const refused = outcomes.filter((o) => o !== 'joined');
  expect(refused.length).toBeGreaterThanOrEqual(ATTEMPTS - HEADROOM - 2); // fds may have holes
  for (const said of refused) {
    if (currentBackend() === 'node') expect(said).toBe('');
    else expect(said).toMatch(/^\S+ ERROR server-full :the server is full; try again later\n$/);
  }

  // More connections keep coming while the fds are all taken: the server sleeps between them.
  const share = await cpuShare(server.pid, async () => {
    for (let i = 0; i < 15; i++) {
      expect(await attempt(server.port)).not.toBe('joined');
      await sleep(100);
    }
  });
  expect(share).toBeLessThan(0.3);

  // The room still works, and once fds free up, newcomers get them.
  const [a, b, c] = members as [ChatClient, ChatClient, ChatClient];
  await a.send('still here');
  expect(await b.next('MSG')).toEqual(event('MSG', [a.nick], 'still here'));
  await c.send('/quit');
  await logged(server, new RegExp(`^disconnected ${c.nick}: quit$`));
  const newcomer = await ChatClient.connect(server.port);
  await newcomer.send('in again');
  expect(await b.nextWhere((e) => e.type === 'MSG', 'MSG')).toEqual(
    event('MSG', [newcomer.nick], 'in again'),
  );
});
