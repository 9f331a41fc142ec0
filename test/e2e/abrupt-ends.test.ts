/**
 * Clients that end abruptly, on every backend, all at once while others chat: resets, half-closes
 * (FIN, still reading), vanishing mid-line, and over TLS a FIN or a reset in the middle of a
 * record. Every one of them is announced once with QUIT, none of their half lines is said, the
 * half-closed ones get EOF, the server's fds return to what they were, and the room goes on.
 * Then SIGTERM with 200 clients (plain and TLS) connected: every one gets the shutdown notice
 * and EOF, and the process exits 0.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { barrier } from '../helpers/chat-room';
import { openFdCount } from '../helpers/fds';
import { fdCountReaches, logged } from '../helpers/tls';
import { tlsRoom } from '../helpers/tls-room';

/** An application-data record header announcing 256 bytes, and 16 of them. */
const PART_OF_A_RECORD = Buffer.concat([
  Buffer.from([0x17, 0x03, 0x03, 0x01, 0x00]),
  Buffer.alloc(16, 7),
]);

type Ending = (c: ChatClient) => Promise<void>;

const ENDINGS: [string, boolean, Ending][] = [
  ['reset', false, (c) => c.reset()],
  ['half-close, still reading', false, async (c) => (c.socket.end(), await c.ended)],
  ['vanish mid-line', false, async (c) => (await c.write('never fini'), await c.kill())],
  ['half a line, then FIN', false, async (c) => (c.socket.end('half a li'), await c.ended)],
  [
    'TLS: part of a record, then FIN',
    true,
    async (c) => (c.raw.end(PART_OF_A_RECORD), await c.closed),
  ],
  [
    'TLS: part of a record, then RST',
    true,
    async (c) => {
      await new Promise<void>((resolve) => c.raw.write(PART_OF_A_RECORD, () => resolve()));
      await c.reset();
    },
  ],
  ['TLS: vanish', true, (c) => c.kill()],
];

const EACH = 4;

test(`${ENDINGS.length * EACH} abrupt ends at once: each announced once, fds returned, the room goes on`, async () => {
  const room = await tlsRoom(2);
  const { server, ca, watcher } = room;
  const talker = await ChatClient.connect(server.port);
  expect(await watcher.next()).toEqual(event('JOIN', [talker.nick]));
  const fds = openFdCount(server.pid);

  const leaving: [ChatClient, Ending][] = [];
  for (const [, tls, ending] of ENDINGS) {
    for (let i = 0; i < EACH; i++) {
      const c = tls
        ? await ChatClient.connectTls(server.tlsPort, { ca })
        : await ChatClient.connect(server.port);
      expect(await watcher.next()).toEqual(event('JOIN', [c.nick]));
      expect(await talker.next()).toEqual(event('JOIN', [c.nick]));
      leaving.push([c, ending]);
    }
  }
  await Promise.all([
    ...leaving.map(([c, ending]) => ending(c)),
    ...Array.from({ length: 20 }, (_, i) => talker.send(`meanwhile ${i}`)),
  ]);
  const nicks = new Set(leaving.map(([c]) => c.nick));
  const quits = new Set<string>();
  const said: string[] = [];
  while (quits.size < nicks.size || said.length < 20) {
    const e = await watcher.next();
    if (e.type === 'QUIT') {
      expect(nicks.has(e.args[0] as string) && !quits.has(e.args[0] as string)).toBe(true);
      quits.add(e.args[0] as string);
    } else {
      expect(e.type).toBe('MSG');
      said.push(e.text as string);
    }
  }
  expect(said).toEqual(Array.from({ length: 20 }, (_, i) => `meanwhile ${i}`));
  await logged(server, /^disconnected guest-\d+: /, leaving.length + 1); // and the warm-up client
  await fdCountReaches(server, fds);
  expect(await barrier(talker, [watcher])).toEqual([[]]); // nothing more: no half line said
});

const PLAIN = 170;
const TLS = 30;

test(`SIGTERM with ${PLAIN + TLS} clients connected: each gets the notice and EOF; exit 0`, async () => {
  const { server, ca, watcher } = await tlsRoom(10);
  const clients = [
    watcher,
    ...(await ChatClient.connectMany(PLAIN - 1, server.port)),
    ...(await Promise.all(
      Array.from({ length: TLS }, () => ChatClient.connectTls(server.tlsPort, { ca })),
    )),
  ];
  await logged(server, /^connected as guest-\d+$/, PLAIN + TLS + 1); // the warm-up client too
  server.child.kill('SIGTERM');
  await Promise.all(
    clients.map(async (c) => {
      expect(await c.next('INFO', 10_000)).toEqual(event('INFO', [], 'server shutting down'));
      expect(await c.rest()).toEqual([]);
    }),
  );
  expect(await server.exited).toEqual({ code: 0, signal: null });
});
