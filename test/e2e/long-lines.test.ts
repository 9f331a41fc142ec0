/**
 * `--max-line` past what the native framer's batch holds: such connections are framed in
 * JavaScript instead, with the same rules, so the limit still means what PROTOCOL.md says.
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
