/**
 * The real client against the real server's moderation: kicks and bans of others leave its user
 * list right (the KICK or BAN, then each QUIT), and a `/nick` refused with `ERROR banned` (a
 * banned name) is no reason to stop reconnecting when the server restarts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { adminRoom } from '../../helpers/admin';
import { ChatClient } from '../../helpers/chat-client';
import { lineClient } from '../../helpers/line-client';
import { startServer } from '../../helpers/process';
import { teardown } from '../../helpers/teardown';
import { Tmux, userList } from '../../helpers/tmux';

jest.setTimeout(60_000);

/** A plain user from `address` who takes `nick`. */
async function user(port: number, nick: string, address = '127.0.0.1'): Promise<ChatClient> {
  const client = await ChatClient.connect(port, '127.0.0.1', address);
  await client.send(`/nick ${nick}`);
  await client.next('NICK');
  return client;
}

test('the user list drops whoever is kicked or banned, and only them', async () => {
  const { server, admin } = await adminRoom();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-config-'));
  teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const alice = new Tmux().client('alice', ['--port', String(server.port), '--nick', 'alice'], {
    XDG_CONFIG_HOME: home,
  });
  await alice.waitFor(/alice │ connected/);
  await user(server.port, 'bob');
  await user(server.port, 'mallory', '127.0.0.2');
  await user(server.port, 'carol', '127.0.0.3');
  const everyone = ['users (5)', admin.nick, 'alice', 'bob', 'mallory', 'carol'];
  expect(userList(await alice.waitFor(/│ carol/))).toEqual(everyone);

  await admin.send('/kick bob flooding');
  await alice.waitFor('bob left (kicked by');
  expect(userList(alice.screen())).toEqual(['users (4)', admin.nick, 'alice', 'mallory', 'carol']);
  await admin.send('/ban nick:mallory');
  await alice.waitFor('mallory left (banned by');
  expect(userList(alice.screen())).toEqual(['users (3)', admin.nick, 'alice', 'carol']);
  await admin.send('/ban 127.0.0.3');
  await alice.waitFor('carol left (banned by');
  expect(userList(alice.screen())).toEqual(['users (2)', admin.nick, 'alice']);
});

test('a /nick refused as banned does not stop the client reconnecting after a restart', async () => {
  const { server, admin } = await adminRoom();
  await admin.send('/ban nick:mallory');
  await admin.next('BAN');
  const client = lineClient(['--port', String(server.port)]);
  client.write('/nick mallory\n');
  await client.stdout(/ERROR banned :the nick mallory is banned/);

  server.child.kill('SIGTERM');
  await server.exited;
  expect(await client.stderr(/disconnected from .*\n/)).toMatch(/; reconnecting in \d/);
  await startServer(['--port', String(server.port), '--data-dir', server.dataDir]);
  const out = await client.stdout(/ WELCOME [^]* WELCOME /);
  expect(out).toMatch(/ INFO :server shutting down\n.* WELCOME guest-\d+ :/);
  client.end();
  expect((await client.finished).code).toBe(0);
});
