/**
 * A client that never reads while others chat: the server holds at most --sendq bytes for it
 * (beyond what the kernel buffers), then drops it with `QUIT <nick> :sendq exceeded`; everyone
 * else receives everything, in order.
 */
import net from 'node:net';

import { ChatClient, event } from '../helpers/chat-client';
import { startRoom } from '../helpers/chat-room';
import { teardown } from '../helpers/teardown';

test('a client that never reads is dropped with sendq exceeded; the others lose nothing', async () => {
  // 12 K lines from one talker: without --flood-rate 0, flood control would pace them.
  const { server, clients } = await startRoom(2, ['--sendq', '262144', '--flood-rate', '0']);
  const [talker, listener] = clients as [ChatClient, ChatClient];
  // A raw socket that never reads: its kernel buffers fill, then the server's queue grows.
  const silent = net.connect(server.port, '127.0.0.1');
  teardown(() => silent.destroy());
  silent.pause();
  const nick = (await talker.next('JOIN')).args[0] as string;
  await listener.next('JOIN');

  // 12 MB of chat, past what the kernel buffers for a socket that does not read (~4 MB here)
  // plus the sendq, sent in rounds of 100 lines (100 KB, well under the sendq) that wait for the
  // readers, so only the silent client falls behind.
  const text = 'x'.repeat(1000);
  const rounds = 120;
  const perRound = 100;
  const received: string[] = [];
  const quits: unknown[] = [];
  for (let round = 0; round < rounds; round++) {
    const lines = Array.from({ length: perRound }, (_, i) => `${round * perRound + i} ${text}`);
    void talker.write(lines.map((line) => `${line}\n`).join(''));
    for (const reader of [talker, listener]) {
      for (let got = 0; got < perRound;) {
        const next = await reader.next(undefined, 20_000);
        if (next.type === 'MSG') {
          got++;
          if (reader === listener) received.push(next.text as string);
        } else if (next.type === 'QUIT' && reader === listener) {
          quits.push(next);
        }
      }
    }
  }
  if (quits.length === 0) quits.push(await listener.next('QUIT', 20_000));
  expect(quits).toEqual([event('QUIT', [nick], 'sendq exceeded')]);
  expect(received).toEqual(Array.from({ length: rounds * perRound }, (_, i) => `${i} ${text}`));
  // And the server still serves: a newcomer chats.
  const late = await ChatClient.connect(server.port);
  await late.send('still here');
  expect(await late.next('MSG')).toEqual(event('MSG', [late.nick], 'still here'));
});
