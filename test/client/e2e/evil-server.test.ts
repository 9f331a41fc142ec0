/**
 * The real client in a real terminal (tmux) against a hostile server (a scripted one over a real
 * socket; the real server strips control characters and could not play it): escape sequences in
 * what it sends do not retitle the pane, colour the screen or fill the clipboard.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { fakeServer } from '../../helpers/fake-server';
import { teardown } from '../../helpers/teardown';
import { Tmux } from '../../helpers/tmux';

jest.setTimeout(60_000);

const EVIL =
  'MSG mallory :\u001b]0;PWNED-TITLE\u0007\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[41mRED\u001b[0m tail';

test('a hostile server cannot retitle the pane, colour the screen or write the clipboard', async () => {
  const server = await fakeServer();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-config-'));
  teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const tmux = new Tmux();
  const client = tmux.client('victim', ['--port', String(server.port)], { XDG_CONFIG_HOME: home });
  const peer = await server.connection();
  peer.send('WELCOME guest-1 :hi');
  await client.waitFor(/guest-1 │ connected/);
  const title = client.title();
  tmux.allowClipboard();

  peer.send(EVIL, 'INFO :after the evil line');
  const screen = await client.waitFor('after the evil line');
  expect(client.title()).toBe(title);
  expect(title).not.toContain('PWNED');
  expect(tmux.pasteBuffers()).toEqual([]);
  // What followed each ESC is left as text; none of it was obeyed.
  expect(screen).toContain('<mallory> ]0;PWNED-TITLE]52;c;cm0gLXJmIH4K[41mRED[0m tail');
  const row = client
    .styled()
    .split('\n')
    .find((line) => line.includes('mallory')) as string;
  // eslint-disable-next-line no-control-regex -- an SGR sequence is what must not be there
  expect(row).not.toMatch(/\u001b\[(\d+;)*41m/);
});
