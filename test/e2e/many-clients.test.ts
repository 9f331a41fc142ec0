/**
 * A hundred real TCP clients in one room, all talking at once: every client receives every
 * message of every sender (its own included) exactly once and in each sender's order, and the
 * server still answers afterwards.
 */
import type { ServerEvent } from '../../src/protocol/event-parser';
import { ChatClient, event } from '../helpers/chat-client';
import { startServer } from '../helpers/process';

const CLIENTS = 100;
const PER_SENDER = 20;

const guestNumber = (nick: string): number => Number(nick.slice('guest-'.length));

test(`${CLIENTS} clients each say ${PER_SENDER} numbered lines: all delivered to all, in order, once`, async () => {
  const server = await startServer();
  const clients = await ChatClient.connectMany(CLIENTS, server.port);
  // Every WELCOME has arrived, so every member is in the room before anyone speaks.
  const senderOf = new Map(clients.map((c, i) => [c.nick, i]));
  expect(senderOf.size).toBe(CLIENTS);

  // Round-robin, so that the lines of all senders interleave at the server.
  const sent: Promise<void>[] = [];
  for (let k = 0; k < PER_SENDER; k++) {
    for (const [i, c] of clients.entries()) sent.push(c.send(`from ${i} #${k}`));
  }
  await Promise.all(sent);

  const total = CLIENTS * PER_SENDER;
  await Promise.all(
    clients.map(async (c) => {
      const expected = new Array<number>(CLIENTS).fill(0);
      for (let n = 0; n < total; n++) {
        const msg: ServerEvent = await c.next('MSG', 10_000);
        const i = senderOf.get(msg.args[0] as string);
        if (i === undefined || msg.text !== `from ${i} #${expected[i]}`) {
          throw new Error(`${c.nick} got ${JSON.stringify(msg)}; expected next ${expected}`);
        }
        expected[i]++;
      }
      expect(expected).toEqual(new Array(CLIENTS).fill(PER_SENDER));
    }),
  );

  // No duplicates or strays: after the last one, the next MSG anyone gets is this one.
  const [first] = clients as [ChatClient];
  await first.send('the end');
  for (const c of clients) {
    expect(await c.next()).toEqual(event('MSG', [first.nick], 'the end'));
  }
  // In join order, which is the order of the guest numbers.
  const joined = clients.map((c) => c.nick).sort((x, y) => guestNumber(x) - guestNumber(y));
  await first.send('/list');
  expect(await first.next()).toEqual(event('USERS', joined));
});
