/**
 * TLS under pressure, against the real server: 200 handshakes that stall at once do not keep a
 * TLS client from joining and chatting (and are all dropped at the timeout, fds and all), and a
 * TLS client that never reads while 5 MB of chat goes by neither stops the server nor slows the
 * others, who get every line, and its QUIT comes when it goes. How the server bounds what it owes
 * a client that does not read is not asserted here.
 */
import type { ServerEvent } from '../../src/protocol/event-parser';
import { ChatClient, event } from '../helpers/chat-client';
import { barrier } from '../helpers/chat-room';
import { fdCountReaches, logged } from '../helpers/tls';
import { rawConnect, tlsRoom } from '../helpers/tls-room';

const STALLED = 200;

test(`${STALLED} stalled handshakes at once do not stop a TLS client from joining and chatting`, async () => {
  const room = await tlsRoom(2);
  const { server, ca, watcher } = room;
  const stalled = await Promise.all(
    Array.from({ length: STALLED }, () => rawConnect(server.tlsPort)),
  );
  // All accepted, and all held by the server, waiting for a ClientHello.
  await fdCountReaches(server, room.fds + STALLED);

  const client = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await watcher.next()).toEqual(event('JOIN', [client.nick]));
  await client.send('despite the stalls');
  for (const c of [watcher, client]) {
    expect(await c.next()).toEqual(event('MSG', [client.nick], 'despite the stalls'));
  }
  const TIMED_OUT = /^TLS handshake failed: handshake timed out after 2000 ms$/;
  expect(server.messages.filter((m) => TIMED_OUT.test(m))).toEqual([]); // still all held

  // Then each is dropped at its timeout: one line each, and every fd closed.
  for (const s of stalled) expect((await s.closed).length).toBe(0);
  await logged(server, TIMED_OUT, STALLED);
  await fdCountReaches(server, room.fds + 1);
  expect(client.nick).toBe('guest-3');
  expect(await barrier(watcher, [watcher, client])).toEqual([[], []]);
});

const LINES = 5 * 1024;
const PER_ROUND = 128; // lines said per round, about 128 KB
const PAD = 'x'.repeat(1000); // 5 MB of MSG lines in all

test('a TLS client that never reads: the others get 5 MB of chat, and its QUIT when it goes', async () => {
  // 5 K lines from one sender: flood control would pace them at 5 a second.
  const room = await tlsRoom(1, ['--flood-rate', '0']);
  const { server, ca, watcher } = room;
  const reader = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await watcher.next()).toEqual(event('JOIN', [reader.nick]));
  const sleeper = await ChatClient.connectTls(server.tlsPort, { ca });
  sleeper.socket.pause(); // from now on it reads nothing: TCP's window fills, then the server's queue
  for (const c of [watcher, reader]) expect(await c.next()).toEqual(event('JOIN', [sleeper.nick]));

  const quits = new Map<ChatClient, ServerEvent[]>([
    [watcher, []],
    [reader, []],
  ]);
  /** MSGs `from`.. in order; the sleeper's QUIT may come at any point (no bound is asserted). */
  const receive = async (c: ChatClient, from: number): Promise<void> => {
    for (let n = from; n < from + PER_ROUND;) {
      const e = await c.next();
      if (e.type === 'QUIT') quits.get(c)?.push(e);
      else expect(e).toEqual(event('MSG', [watcher.nick], `${n++} ${PAD}`));
    }
  };
  // Paced: each round reaches both readers before the next is said, so what a client that reads
  // is owed stays small, whatever the server's limit for one that does not.
  for (let from = 0; from < LINES; from += PER_ROUND) {
    const round = Array.from({ length: PER_ROUND }, (_, i) => `${from + i} ${PAD}\n`).join('');
    await Promise.all([watcher.write(round), receive(watcher, from), receive(reader, from)]);
  }
  expect(server.child.exitCode).toBeNull();

  await sleeper.kill();
  for (const [c, seen] of quits) {
    if (seen.length === 0) seen.push(await c.next());
    expect(seen).toEqual([event('QUIT', [sleeper.nick], expect.any(String))]);
  }
  // Once, and nothing else before the next line; the room goes on, and the fd is closed.
  expect(await barrier(reader, [watcher, reader])).toEqual([[], []]);
  await logged(server, new RegExp(`^disconnected ${sleeper.nick}: `));
  await fdCountReaches(server, room.fds + 1);
});
