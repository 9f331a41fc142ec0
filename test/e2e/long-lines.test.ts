/**
 * Long `--max-line`s. Up to the native framer's limit (983 039 bytes) connections are framed
 * natively, past it in JavaScript, with the same rules, so the limit means what PROTOCOL.md says.
 */
import { ChatClient } from '../helpers/chat-client';
import { startServer } from '../helpers/process';

test('--max-line 1048576: a 600 KiB line is said, a longer one is refused', async () => {
  const server = await startServer(['--max-line', '1048576']);
  const [alice, bob] = [
    await ChatClient.connect(server.port),
    await ChatClient.connect(server.port),
  ];
  const long = 'w'.repeat(600 * 1024);
  await alice.send(long);
  expect((await bob.next('MSG')).text).toBe(long);
  await alice.write(`${'x'.repeat((1 << 20) + 1)}\n/list\n`);
  expect((await alice.next('ERROR')).args).toEqual(['line-too-long']);
  expect((await alice.next('USERS')).type).toBe('USERS');
});

// Natively framed (under the framer's limit): a long unfinished line used to stop the loop from
// reading every natively framed client, once it passed ~127 KB, and spin a core.
test('--max-line 400000: a 390 KB line in small pieces; the others chat meanwhile', async () => {
  const server = await startServer(['--max-line', '400000', '--flood-rate', '0']);
  const [alice, bob] = [
    await ChatClient.connect(server.port),
    await ChatClient.connect(server.port),
  ];
  const long = 'v'.repeat(390_000);
  for (let at = 0; at < long.length; at += 10_000) {
    await alice.write(long.slice(at, at + 10_000));
    await bob.send(`alice is at ${at}`);
    expect((await bob.next('MSG')).text).toBe(`alice is at ${at}`);
  }
  await alice.write('\n');
  expect((await bob.next('MSG')).text).toBe(long);
});
