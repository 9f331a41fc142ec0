/**
 * A hundred real TCP clients in one room, all talking at once: every client receives every
 * message of every sender (its own included) exactly once and in each sender's order, and the
 * server still answers afterwards.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { exchangeNumbered } from '../helpers/chat-room';
import { startServer } from '../helpers/process';

const CLIENTS = 100;
const PER_SENDER = 20;

const guestNumber = (nick: string): number => Number(nick.slice('guest-'.length));

test(`${CLIENTS} clients each say ${PER_SENDER} numbered lines: all delivered to all, in order, once`, async () => {
  const server = await startServer();
  const clients = await ChatClient.connectMany(CLIENTS, server.port);
  // Every WELCOME has arrived, so every member is in the room before anyone speaks.
  await exchangeNumbered(clients, PER_SENDER);
  // The server still answers; USERS lists everyone in join order (the guest numbers' order).
  const [first] = clients as [ChatClient];
  const joined = clients.map((c) => c.nick).sort((x, y) => guestNumber(x) - guestNumber(y));
  await first.send('/list');
  expect(await first.next()).toEqual(event('USERS', joined));
});
