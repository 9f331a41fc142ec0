/**
 * A chat room for end-to-end tests: a real server with connected `ChatClient`s whose queues start
 * empty, renaming them, and a barrier that proves what a client did not receive.
 */
import type { ServerEvent } from '../../src/protocol/event-parser';
import { ChatClient, event } from './chat-client';
import { startServer, type RunningServer } from './process';

export interface TestRoom {
  server: RunningServer;
  clients: ChatClient[];
}

/**
 * Starts a server (with extra `args`) and connects `n` clients one after the other. Each earlier
 * client consumes, and checks, the `JOIN` of each later one, so every client's queue is empty.
 */
export async function startRoom(n: number, args: readonly string[] = []): Promise<TestRoom> {
  const server = await startServer(args);
  const clients: ChatClient[] = [];
  for (let i = 0; i < n; i++) {
    const client = await ChatClient.connect(server.port, server.host);
    for (const other of clients) expect(await other.next()).toEqual(event('JOIN', [client.nick]));
    clients.push(client);
  }
  return { server, clients };
}

/** Renames each client to the matching name; every client consumes and checks each `NICK`. */
export async function rename(clients: ChatClient[], names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    const client = clients[i] as ChatClient;
    const old = client.nick;
    await client.send(`/nick ${name}`);
    for (const c of clients) expect(await c.next()).toEqual(event('NICK', [old, name]));
  }
}

let markers = 0;

/**
 * A barrier: `from` says a unique marker and each of `clients` (which should include `from`)
 * awaits it. Resolves with what each received before the marker; lines are delivered in order,
 * so anything the server sent them before it has arrived by then.
 */
export async function barrier(from: ChatClient, clients: ChatClient[]): Promise<ServerEvent[][]> {
  const marker = `marker-${++markers}`;
  await from.send(marker);
  return Promise.all(
    clients.map(async (c) => {
      const seen = await c.until((e) => e.type === 'MSG' && e.text === marker);
      const last = seen.pop();
      expect(last).toEqual(event('MSG', [from.nick], marker));
      return seen;
    }),
  );
}

/**
 * Every client says `perSender` numbered lines, round-robin so that all senders interleave at
 * the server; then checks that every client received every line of every sender (its own
 * included) exactly once and in each sender's order, and nothing else: after a final marker, the
 * next MSG anyone gets is that marker.
 */
export async function exchangeNumbered(clients: ChatClient[], perSender: number): Promise<void> {
  const senderOf = new Map(clients.map((c, i) => [c.nick, i]));
  expect(senderOf.size).toBe(clients.length);
  const sent: Promise<void>[] = [];
  for (let k = 0; k < perSender; k++) {
    for (const [i, c] of clients.entries()) sent.push(c.send(`from ${i} #${k}`));
  }
  await Promise.all(sent);

  await Promise.all(
    clients.map(async (c) => {
      const expected = new Array<number>(clients.length).fill(0);
      for (let n = 0; n < clients.length * perSender; n++) {
        const msg: ServerEvent = await c.next('MSG', 10_000);
        const i = senderOf.get(msg.args[0] as string);
        if (i === undefined || msg.text !== `from ${i} #${expected[i]}`) {
          throw new Error(`${c.nick} got ${JSON.stringify(msg)}; expected next ${expected}`);
        }
        expected[i]++;
      }
      expect(expected).toEqual(new Array(clients.length).fill(perSender));
    }),
  );

  const [first] = clients as [ChatClient];
  await first.send('the end');
  for (const c of clients) {
    expect(await c.next('MSG')).toEqual(event('MSG', [first.nick], 'the end'));
  }
}
