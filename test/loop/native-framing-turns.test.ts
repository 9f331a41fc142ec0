/**
 * The native framer across loop turns (native/reader.c): the longest line limit it accepts works
 * while others keep talking, a turn that fills the batch hands the rest to the next one, and an
 * fd's lines never outlive it within a batch.
 */
import { READABLE } from '../../src/loop/event-loop';
import { addon } from '../../src/native/addon';
import { OwnedFd } from '../helpers/fds';
import { framedPair, noSink, sendApart, type Framed, type Item } from '../helpers/framing';
import { createLoop, untilReadable, watch } from '../helpers/loop';
import { allowReset, tcpPair } from '../helpers/tcp';
import { eventually } from '../helpers/teardown';

describe('the longest line the native framer takes', () => {
  test('is 983 039 bytes (ARCHITECTURE.md says so); one more is left to JavaScript', async () => {
    const loop = createLoop();
    const { server } = await tcpPair();
    const watcher = watch(loop, server.fd, () => undefined);
    expect(loop.maxFramedLine).toBe(983_039);
    expect(watcher.frame(loop.maxFramedLine + 1, noSink)).toBe(false);
    expect(watcher.frame(loop.maxFramedLine, noSink)).toBe(true);
  });

  // A held line used to shrink the read that follows it, until no read was worth making: from
  // ~127 KB on, the loop stopped reading every framed fd and spun.
  test('a line of that length arrives in pieces while another connection chats', async () => {
    const loop = createLoop();
    const max = loop.maxFramedLine;
    const long = await framedPair(loop, max);
    const chat = await framedPair(loop, 64);
    const line = Buffer.alloc(max, 'z');
    const piece = 16 * 1024;
    const said: string[] = [];
    let sent = 0;
    for (let at = 0; at < max; at += piece) {
      const chunk = line.subarray(at, at + piece);
      const text = `still here at ${at}`;
      long.client.write(chunk);
      chat.client.write(`${text}\n`);
      said.push(text);
      sent += chunk.length + text.length + 1;
      // Both read: the one with the growing unfinished line, and the other one.
      await eventually(() =>
        long.bytesIn() >= sent && chat.items.length === said.length ? true : undefined,
      );
    }
    expect(long.items).toEqual([]);
    long.client.write('\nafter\n');
    await eventually(() => (long.items.length === 2 ? true : undefined));
    expect(long.items[0] === line.toString('latin1')).toBe(true); // not toEqual: its diff is 1 MB
    expect(long.items[1]).toBe('after');
    expect(chat.items).toEqual(said);
  });
});

test('framing an fd twice is refused, and the unfinished line is kept', async () => {
  const framed = await framedPair(createLoop(), 64);
  await sendApart(framed, [Buffer.from('held ')]);
  expect(() => framed.watcher.frame(64, noSink)).toThrow(/EALREADY/);
  await sendApart(framed, [Buffer.from('and kept\n')]);
  expect(framed.items).toEqual(['held and kept']);
});

// A flooding client stays readable, so a turn that filled the batch from the lowest fd would
// be followed by another one that does the same, and a higher fd would wait for the floods to end.
test('a turn that fills the batch is followed by one that starts where it stopped', async () => {
  const loop = createLoop();
  const flooders: Framed[] = [];
  for (let i = 0; i < 8; i++) flooders.push(await framedPair(loop, 64));
  const last = await framedPair(loop, 64);
  const all = [...flooders, last];
  expect(last.fd).toBeGreaterThan(Math.max(...flooders.map((f) => f.fd)));
  for (const f of all) {
    allowReset(f.client); // closed with its flood unread
    f.watcher.stop(); // nothing is read until every byte is there
  }
  // Lines of 2 bytes: two 64 KiB reads of them fill the batch's 65 536 records.
  const flood = Buffer.alloc(512 * 1024, 'a\n');
  for (const f of flooders) f.client.write(flood);
  last.client.write('last\n');
  await eventually(() => (all.every((f) => f.client.writableLength === 0) ? true : undefined));
  await untilReadable(all.map((f) => f.fd));

  // Turns run back to back, with nothing else in between (no client can refill or drain).
  for (const f of all) f.watcher.start(READABLE);
  let turns = 0;
  while (last.items.length === 0 && turns < 40) {
    loop.runOnce(0);
    turns++;
  }
  for (const f of all) f.watcher.stop();
  expect(last.items).toEqual(['last']);
  // Two flooders a turn: the last fd's turn comes once the eight have had theirs. Starting
  // every turn at the lowest fd, it would come only after the floods of all eight had ended.
  expect(turns).toBeLessThanOrEqual(flooders.length / 2 + 1);
  for (const f of flooders) expect(f.items.length).toBeGreaterThan(0);
});

// A handler may close an fd whose lines are still in the batch, and a new connection may take its
// number at once: those lines must not reach the new connection's sink.
test('an fd number reused within a batch gets none of the closed fd’s lines', async () => {
  const loop = createLoop();
  const pairs = [await framedPair(loop, 64), await framedPair(loop, 64)] as const;
  const quiet = await tcpPair(); // the connection that takes the number
  for (const { watcher } of pairs) watcher.stop();
  for (const { client } of pairs) client.write('stale\n');
  await untilReadable(pairs.map(({ fd }) => fd));
  const reused: Item[] = [];
  let reusedFd: number | undefined;
  pairs.forEach((pair, i) => {
    pair.onItem = () => {
      if (reusedFd !== undefined) return;
      const other = pairs[1 - i] as Framed;
      other.watcher.close();
      other.server.close();
      reusedFd = new OwnedFd(addon.fdDupAbove(quiet.server.fd, other.fd)).fd;
      const watcher = watch(loop, reusedFd, () => undefined);
      watcher.frame(64, {
        ...noSink,
        onLine: (bytes, s, e) => reused.push(bytes.toString('latin1', s, e)),
      });
      watcher.start(READABLE);
    };
  });
  for (const { watcher } of pairs) watcher.start(READABLE);
  await eventually(() => (reusedFd !== undefined ? true : undefined));
  expect(pairs.map(({ fd }) => fd)).toContain(reusedFd);
  // Not vacuous: the new connection's own lines reach it.
  quiet.client.write('fresh\n');
  await eventually(() => (reused.length > 0 ? true : undefined));
  expect(reused).toEqual(['fresh']);
});
