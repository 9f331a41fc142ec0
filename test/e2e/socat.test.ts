/**
 * An external line client, socat (installed by .ci/run), talking to the real server next to a
 * Node client: what socat sends (with `\r\n` line ends, as `nc -C` would) reaches the room, and
 * what the room says reaches socat's stdout as well-formed event lines.
 */
import { spawn, spawnSync } from 'node:child_process';

import { parseEvent, type ServerEvent } from '../../src/protocol/event-parser';
import { ChatClient, event } from '../helpers/chat-client';
import { startRoom } from '../helpers/chat-room';
import { watchLines } from '../helpers/lines';
import { teardown } from '../helpers/teardown';

const hasSocat = spawnSync('sh', ['-c', 'command -v socat']).status === 0;

(hasSocat ? test : test.skip)('socat joins, renames, chats, whispers and quits', async () => {
  const { server, clients } = await startRoom(1);
  const [node] = clients as [ChatClient];
  // `crlf` on the TCP side: socat sends \r\n to the server and turns \r\n back into \n.
  const socat = spawn('socat', ['-', `TCP:127.0.0.1:${server.port},crlf`], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  socat.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => socat.once('exit', resolve));
  teardown(async () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill();
    await exited;
  });
  const lines = watchLines(socat.stdout);
  const next = async (): Promise<ServerEvent> => {
    const line = await lines.next();
    const parsed = parseEvent(line);
    if (parsed instanceof Error) throw parsed;
    return parsed;
  };

  expect(await next()).toEqual(event('WELCOME', ['guest-2'], expect.any(String)));
  expect(await node.next()).toEqual(event('JOIN', ['guest-2']));

  socat.stdin.write('/nick socat\nhello from socat\n/me waves\n');
  for (const e of [
    event('NICK', ['guest-2', 'socat']),
    event('MSG', ['socat'], 'hello from socat'),
    event('ACTION', ['socat'], 'waves'),
  ]) {
    expect(await node.next()).toEqual(e);
    expect(await next()).toEqual(e);
  }

  await node.send('hello from node');
  const msg = event('MSG', [node.nick], 'hello from node');
  expect(await next()).toEqual(msg);
  expect(await node.next()).toEqual(msg);
  await node.send('/whisper SOCAT psst');
  const whisper = event('WHISPER', [node.nick, 'socat'], 'psst');
  expect(await next()).toEqual(whisper);
  expect(await node.next()).toEqual(whisper);
  socat.stdin.write('/list\n');
  expect(await next()).toEqual(event('USERS', [node.nick, 'socat']));
  socat.stdin.write(`/whois ${node.nick}\n`);
  expect(await next()).toEqual(
    event('WHOIS', [node.nick, `127.0.0.1:${node.localPort}`], expect.stringMatching(/plain$/)),
  );

  socat.stdin.write('/quit bye from socat\n');
  expect(await node.next()).toEqual(event('QUIT', ['socat'], 'bye from socat'));
  // The server closes; socat sees EOF and exits cleanly.
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
  await expect(lines.next()).rejects.toThrow();
});
