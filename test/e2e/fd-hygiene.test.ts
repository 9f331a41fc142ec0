/**
 * Clients leaving every way a client can (a clean close, a reset, a kill mid-line, a half line
 * then FIN, /quit) leave nothing behind in the server: its open fds, counted in /proc, are the
 * same after 200 connect/disconnect cycles, each of which the room reported with QUIT; and the
 * room is empty afterwards.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { openFdCount } from '../helpers/fds';
import { startServer } from '../helpers/process';
import { eventually } from '../helpers/teardown';

const CYCLES = 200;
const LANES = 10; // connections in flight at once

const CLOSED = 'connection closed';
const RESET = 'connection reset by peer';

/**
 * Every way of leaving, with the QUIT reasons the others may be given. A socket destroyed while
 * the kernel still holds bytes it has not read (a JOIN of another lane's client) is closed with a
 * reset rather than a FIN, so a kill may be reported either way.
 */
const LEAVES: [string[], (c: ChatClient) => Promise<void>][] = [
  [[CLOSED], (c) => c.close()],
  [[RESET], (c) => c.reset()],
  [[CLOSED, RESET], async (c) => (await c.write('half a li'), await c.kill())],
  [[CLOSED], async (c) => (c.socket.end('half a line then FIN'), await c.closed)],
  [['gone'], async (c) => (await c.send('/quit gone'), await c.closed)],
];

test(`${CYCLES} connect/disconnect cycles leave the server's fd count unchanged`, async () => {
  const server = await startServer();
  const watcher = await ChatClient.connect(server.port);
  const expected = new Map<string, string[]>(); // nick -> the QUIT reasons it may get
  const quits = new Map<string, string>(); // nick -> the QUIT reason the watcher saw
  const cycle = async (i: number): Promise<void> => {
    const [reasons, leave] = LEAVES[i % LEAVES.length] as (typeof LEAVES)[number];
    const client = await ChatClient.connect(server.port);
    expected.set(client.nick, reasons);
    await leave(client);
  };
  /** Awaits the watcher's JOIN and QUIT for `n` more cycles, recording the QUITs. */
  const watch = async (n: number): Promise<void> => {
    for (let seen = 0; seen < n;) {
      const e = await watcher.next();
      // Never a MSG: no half line is ever said.
      expect(e).toEqual(event(e.type === 'JOIN' ? 'JOIN' : 'QUIT', [expect.any(String)], e.text));
      if (e.type === 'QUIT') {
        quits.set(e.args[0] as string, e.text as string);
        seen++;
      }
    }
  };
  const count = (re: RegExp): number => server.messages.filter((m) => re.test(m)).length;
  /** Waits for the server's log to say `n` connections were closed (it logs after the close). */
  const closedFds = (n: number): Promise<true> =>
    eventually(() => (count(/^disconnected guest-\d+: /) === n ? true : undefined));
  /** Checks every QUIT the watcher saw against the way its client left. */
  const checkQuits = (): void => {
    expect([...quits.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [nick, reason] of quits) expect(expected.get(nick)).toContain(reason);
  };

  // A first round of each kind, so that whatever the server allocates once is counted in `before`.
  await Promise.all([...LEAVES.keys()].map(cycle));
  await watch(LEAVES.length);
  checkQuits();
  // A QUIT can precede the close of the fd (after /quit the server lingers for the client's FIN);
  // the log's "disconnected" line comes after it.
  await closedFds(LEAVES.length);
  const before = openFdCount(server.pid);

  const lanes = Array.from({ length: LANES }, async (_, lane) => {
    for (let i = lane; i < CYCLES; i += LANES) await cycle(i);
  });
  await Promise.all([...lanes, watch(CYCLES)]);
  checkQuits();

  await closedFds(LEAVES.length + CYCLES);
  expect(openFdCount(server.pid)).toBe(before);

  // The room is empty: once the watcher has left too, a newcomer is alone.
  await watcher.send('/quit');
  expect(await watcher.rest()).toEqual([]);
  const fresh = await ChatClient.connect(server.port);
  await fresh.send('/list');
  expect(await fresh.next()).toEqual(event('USERS', [fresh.nick]));
  expect(fresh.nick).toBe(`guest-${CYCLES + LEAVES.length + 2}`);
  // And the log has one line per connect and per disconnect.
  await closedFds(CYCLES + LEAVES.length + 1);
  expect(count(/^connected as guest-\d+$/)).toBe(CYCLES + LEAVES.length + 2);
});
