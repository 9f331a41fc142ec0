/**
 * Abuse and chat at once, on every backend: for a few seconds 50 clients send garbage (random
 * bytes, line floods, command floods, overlong lines of NULs and CRs, trickles that reset and
 * come back) as fast as the server takes it, while 10 well-behaved clients exchange numbered
 * messages at a human pace. Afterwards every well-behaved message has reached every
 * well-behaved client once and in order, every line the server sent anyone was well formed
 * (ChatClient checks), and the server still answers a newcomer.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

import { ChatClient, event } from '../helpers/chat-client';
import { startServer } from '../helpers/process';
import { sleep } from '../helpers/proc';
import { teardown } from '../helpers/teardown';

const ABUSERS = 50;
const GOOD = 10;
const PER_SENDER = 8;
const ABUSE_MS = 3000;
const PACE_MS = 300; // a line every 0.3 s: within the flood limit of 5 a second

/** The garbage abuser `i` sends, chunk by chunk. */
const GARBAGE: ((i: number) => Buffer)[] = [
  () => randomBytes(4096),
  (i) => Buffer.from(`spam from ${i}\n`.repeat(500)),
  () => Buffer.from('/help\n/list\n/whois guest-1\n/nick\n/me\n/whisper guest-1 hi\n/?\n'),
  () => Buffer.concat([Buffer.alloc(5000, 0), Buffer.from('\r\r\r'), Buffer.alloc(3000, 0xff)]),
  () => Buffer.concat([randomBytes(64), Buffer.from('\n')]),
];

/** Sends `garbage` as fast as the server takes it until `until`, reconnecting if dropped. */
async function abuse(port: number, i: number, until: number): Promise<void> {
  while (Date.now() < until) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined); // dropped, reset: all part of it
    teardown(() => socket.destroy());
    socket.resume(); // reads and ignores what it is sent
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve).once('close', resolve));
    const trickle = i % GARBAGE.length === 4;
    while (!socket.destroyed && Date.now() < until) {
      if (!socket.write((GARBAGE[i % GARBAGE.length] as (i: number) => Buffer)(i))) {
        await Promise.race([new Promise((r) => socket.once('drain', r)), closed, sleep(200)]);
      }
      if (trickle) {
        await sleep(20);
        if (Math.random() < 0.05) socket.resetAndDestroy();
      }
    }
    socket.destroy();
    await closed;
  }
}

/** The numbered lines `c` receives from each of `senders`, until each has said `done`. */
async function collect(c: ChatClient, senders: Set<string>): Promise<Map<string, string[]>> {
  const got = new Map<string, string[]>([...senders].map((s) => [s, []]));
  let done = 0;
  while (done < senders.size) {
    const e = await c.next('MSG', 30_000);
    const lines = got.get(e.args[0] as string);
    if (lines === undefined) continue; // an abuser's line
    if (e.text === 'done') done++;
    else lines.push(e.text as string);
  }
  return got;
}

test(`${ABUSERS} abusers for ${ABUSE_MS / 1000} s: ${GOOD} well-behaved clients lose nothing`, async () => {
  const server = await startServer();
  const good = await ChatClient.connectMany(GOOD, server.port);
  const nicks = new Set(good.map((c) => c.nick));
  const collected = good.map((c) => collect(c, nicks));

  const until = Date.now() + ABUSE_MS;
  const abusers = Array.from({ length: ABUSERS }, (_, i) => abuse(server.port, i, until));
  const talk = good.map(async (c, i) => {
    await sleep(i * 20);
    for (let k = 0; k < PER_SENDER; k++) {
      await c.send(`from ${i} #${k}`);
      await sleep(PACE_MS);
    }
  });
  await Promise.all([...abusers, ...talk]);
  for (const c of good) await c.send('done');

  const expected = (i: number): string[] =>
    Array.from({ length: PER_SENDER }, (_, k) => `from ${i} #${k}`);
  for (const got of await Promise.all(collected)) {
    expect([...got.values()]).toEqual(good.map((_, i) => expected(i)));
  }
  const late = await ChatClient.connect(server.port);
  await late.send('after the storm');
  expect(await late.next('MSG')).toEqual(event('MSG', [late.nick], 'after the storm'));
  expect(server.child.exitCode).toBeNull();
});
