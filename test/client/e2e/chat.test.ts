/**
 * The real `selectchat` in a pseudo-terminal (tmux) against the real server: two users chat,
 * a rename shows in the other's user list, and a server restart on the same port is survived
 * (a notice, reconnection with backoff, the nick asked for again).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startServer } from '../../helpers/process';
import { teardown } from '../../helpers/teardown';
import { Tmux, userList } from '../../helpers/tmux';

jest.setTimeout(60_000);

/** A config dir of its own, so no test reads or writes the user's known_hosts. */
function configHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-config-'));
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('two clients chat; a rename appears in the user list', async () => {
  const server = await startServer();
  const tmux = new Tmux();
  const env = { XDG_CONFIG_HOME: configHome() };
  const args = ['--port', String(server.port)];
  const alice = tmux.client('alice', [...args, '--nick', 'alice'], env);
  await alice.waitFor(/alice │ connected/);
  const bob = tmux.client('bob', [...args, '--nick', 'bob'], env);
  await bob.waitFor(/bob │ connected/);
  await alice.waitFor(/is now bob/);

  alice.line('hello bob, from a real terminal');
  const seen = await bob.waitFor('<alice> hello bob, from a real terminal');
  expect(seen).toMatch(/^\d\d:\d\d:\d\d <alice> hello bob, from a real terminal/m);
  expect(userList(seen)).toEqual(['users (2)', 'alice', 'bob']);

  bob.line('/nick robert');
  const renamed = await alice.waitFor('bob is now robert');
  expect(userList(await alice.waitFor(/│ robert/))).toEqual(['users (2)', 'alice', 'robert']);
  expect(renamed).toMatch(/plain TCP │ alice │ connected/);

  bob.line('/me waves');
  await alice.waitFor('* robert waves');
  bob.line('/quit bye now');
  await alice.waitFor('robert left (bye now)');
  expect(userList(alice.screen())).toEqual(['users (1)', 'alice']);
});

test('a server restart on the same port is survived: notice, reconnect, same nick', async () => {
  const first = await startServer();
  const tmux = new Tmux();
  const env = { XDG_CONFIG_HOME: configHome() };
  const args = ['--port', String(first.port)];
  const alice = tmux.client('alice', [...args, '--nick', 'alice'], env);
  await alice.waitFor(/alice │ connected/);
  alice.line('/nick alicia'); // the nick asked for again is the latest one
  await alice.waitFor(/alicia │ connected/);

  first.child.kill('SIGTERM');
  await first.exited;
  await alice.waitFor(/disconnected from 127\.0\.0\.1:\d+: .*; reconnecting in/);
  await alice.waitFor(/│ reconnecting/);

  const second = await startServer(['--port', String(first.port)]);
  const back = await alice.waitFor(/guest-1 is now alicia/);
  expect(back).toMatch(/alicia │ connected/);

  const bob = tmux.client('bob', ['--port', String(second.port), '--nick', 'bob'], env);
  await bob.waitFor(/bob │ connected/);
  alice.line('still here');
  await bob.waitFor('<alicia> still here');
  expect(userList(bob.screen())).toEqual(['users (2)', 'alicia', 'bob']);
});
