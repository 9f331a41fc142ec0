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
