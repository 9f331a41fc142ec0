/**
 * Flood control over the wire, on every backend: a burst goes through at once and the rest at
 * the rate, held back rather than dropped (every line arrives, once, in order, and the sender's
 * FIN waits behind them); a flooder held back costs the server next to no CPU while the others
 * chat on; too much held back drops the flooder (`recvq exceeded`, `excess flood`), and admins
 * are exempt. Lower bounds on time only: a slow machine makes them longer, never shorter.
 */
import { adminRoom, joinFrom } from '../helpers/admin';
import { ChatClient, event } from '../helpers/chat-client';
import { startRoom } from '../helpers/chat-room';
import { cpuShare, sleep } from '../helpers/proc';
import { serverStats } from '../helpers/stats';

const numbered = (n: number, pad = ''): string[] =>
  Array.from({ length: n }, (_, i) => `${i} ${pad}`.trimEnd());

/** The texts of the next `n` MSGs from `nick` (other events skipped). */
async function messagesFrom(client: ChatClient, nick: string, n: number): Promise<string[]> {
  const texts: string[] = [];
  while (texts.length < n) {
    const e = await client.nextWhere((x) => x.type === 'MSG' && x.args[0] === nick, 'MSG', 20_000);
    texts.push(e.text as string);
  }
  return texts;
}

test('a burst at once, the rest at the rate: held back, none lost, in order, FIN after them', async () => {
  const { server, admin } = await adminRoom(['--flood-burst', '5', '--flood-rate', '20']);
  const flooder = await joinFrom(server, '127.0.0.2', [admin]);
  const lines = numbered(45);
  const sent = Date.now();
  flooder.socket.end(lines.map((l) => `${l}\n`).join('')); // all at once, then FIN
  expect(await messagesFrom(admin, flooder.nick, 45)).toEqual(lines);
  // 40 lines past the burst, at 20 a second: two seconds at least.
  expect(Date.now() - sent).toBeGreaterThanOrEqual(1900);
  expect(await admin.next('QUIT')).toEqual(event('QUIT', [flooder.nick], 'connection closed'));
  const stats = await serverStats(admin);
  expect(Number(stats.get('throttled-flood'))).toBeGreaterThanOrEqual(1);
  expect(Number(stats.get('held-back-lines'))).toBeGreaterThanOrEqual(35);
  expect(stats.get('held-back-clients')).toBe('0');
  expect(stats.get('held-back-bytes')).toBe('0');
});

test('a flooder held back costs the server almost nothing; the others chat on, in order', async () => {
  const { server, clients } = await startRoom(4);
  const [flooder, a, b, c] = clients as [ChatClient, ChatClient, ChatClient, ChatClient];
  // 4 MB of 1000-byte lines, all at once: one read's worth is held (under the recvq and a
  // minute's lines), the rest waits in the kernel and in the flooder's own buffers.
  const lines = numbered(4000, 'f'.repeat(996));
  void flooder.write(lines.map((l) => `${l}\n`).join(''));
  expect(await messagesFrom(a, flooder.nick, 10)).toEqual(lines.slice(0, 10)); // the burst
  const share = await cpuShare(server.pid, async () => {
    for (let i = 0; i < 20; i++) {
      await a.send(`ping ${i}`);
      expect(await messagesFrom(b, a.nick, 1)).toEqual([`ping ${i}`]);
      await sleep(50);
    }
  });
  // A server reading the flood as fast as it comes would be near one CPU; held back, it sleeps.
  expect(share).toBeLessThan(0.3);
  // Still held back, not dropped: the flooder's next lines come, in order, at the rate.
  expect(await messagesFrom(c, flooder.nick, 15)).toEqual(lines.slice(0, 15));
  await flooder.kill();
  expect(await a.next('QUIT')).toEqual(event('QUIT', [flooder.nick], expect.any(String)));
});

test('held-back input past --recvq: ERROR recvq-exceeded, QUIT recvq exceeded', async () => {
  const { server, admin } = await adminRoom(['--recvq', '4096']);
  const flooder = await joinFrom(server, '127.0.0.2', [admin]);
  void flooder.write(numbered(64, 'r'.repeat(1000)).join('\n') + '\n');
  expect(await flooder.next('ERROR')).toEqual(
    event(
      'ERROR',
      ['recvq-exceeded'],
      'you sent more than 4096 bytes faster than 5 lines/s; disconnected',
    ),
  );
  expect(await admin.next('QUIT')).toEqual(event('QUIT', [flooder.nick], 'recvq exceeded'));
  await flooder.ended;
  expect((await serverStats(admin)).get('drops-recvq')).toBe('1');
});

test('more lines held back than a minute lets through: ERROR excess-flood, QUIT excess flood', async () => {
  const { server, admin } = await adminRoom();
  const flooder = await joinFrom(server, '127.0.0.2', [admin]);
  void flooder.write('spam\n'.repeat(2000));
  expect(await flooder.next('ERROR')).toEqual(
    event(
      'ERROR',
      ['excess-flood'],
      'you sent more than 300 lines faster than 5 a second (a minute of them); disconnected',
    ),
  );
  expect(await admin.next('QUIT')).toEqual(event('QUIT', [flooder.nick], 'excess flood'));
  const stats = await serverStats(admin);
  expect(stats.get('drops-flood')).toBe('1');
  expect(stats.get('held-back-bytes')).toBe('0');
});

test('a /quit held back behind a burst: every line, then the QUIT; nobody is left counted', async () => {
  const { server, admin } = await adminRoom();
  const flooder = await joinFrom(server, '127.0.0.2', [admin]);
  const lines = numbered(13);
  void flooder.write([...lines, '/quit bye'].join('\n') + '\n');
  expect(await messagesFrom(admin, flooder.nick, 13)).toEqual(lines);
  expect(await admin.next('QUIT')).toEqual(event('QUIT', [flooder.nick], 'bye'));
  const stats = await serverStats(admin);
  expect(stats.get('held-back-clients')).toBe('0');
  expect(stats.get('held-back-bytes')).toBe('0');
});

test('an admin is exempt; --flood-rate 0 turns it off for everyone', async () => {
  const { server, admin } = await adminRoom(['--flood-burst', '2', '--flood-rate', '0.5']);
  const watcher = await joinFrom(server, '127.0.0.2', [admin]);
  const lines = numbered(30);
  await admin.write(lines.map((l) => `${l}\n`).join(''));
  expect(await messagesFrom(watcher, admin.nick, 30)).toEqual(lines); // at 0.5/s: a minute
  expect((await serverStats(admin)).get('throttled-flood')).toBe('0');

  const { clients } = await startRoom(2, ['--flood-rate', '0']);
  const [x, y] = clients as [ChatClient, ChatClient];
  await x.write(lines.map((l) => `${l}\n`).join(''));
  expect(await messagesFrom(y, x.nick, 30)).toEqual(lines);
});
