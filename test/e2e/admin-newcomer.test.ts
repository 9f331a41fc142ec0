/**
 * The README's "Admins" walk-through, step by step, with the tools it names: the first start
 * writes the default admin's password to data/admin-password; `openssl s_client` with the
 * server's certificate logs in; the admin kicks and bans a troublemaker; and after a restart
 * (Ctrl-C, then start again) the ban still holds.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { parseEvent, type ServerEvent } from '../../src/protocol/event-parser';
import { event } from '../helpers/chat-client';
import { bannedError, joinFrom, turnedAway } from '../helpers/admin';
import { startServer } from '../helpers/process';
import { teardown } from '../helpers/teardown';
import { logged, tempDir } from '../helpers/tls';

/** `openssl s_client -quiet -connect 127.0.0.1:PORT -CAfile CERT`: lines in, events out. */
function sClient(port: number, caFile: string) {
  const child = spawn(
    'openssl',
    ['s_client', '-quiet', '-connect', `127.0.0.1:${port}`, '-CAfile', caFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: string[] = [];
  const queue: ServerEvent[] = [];
  let stderr = '';
  let exited = false;
  let wake = (): void => undefined;
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.once('close', () => ((exited = true), wake()));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    const parsed = parseEvent(line);
    if (!(parsed instanceof Error)) queue.push(parsed);
    wake();
  });
  return {
    send: (line: string): void => void child.stdin.write(`${line}\n`),
    /** The next event of `type`; the events before it are dropped. */
    async next(type: string): Promise<ServerEvent> {
      for (;;) {
        const at = queue.findIndex((e) => e.type === type);
        if (at !== -1) return queue.splice(0, at + 1).pop() as ServerEvent;
        if (exited)
          throw new Error(`s_client ended before ${type}:\n${lines.join('\n')}\n${stderr}`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

test('a newcomer follows the README: becomes admin, kicks and bans; the ban holds after a restart', async () => {
  const dir = tempDir();
  const args = ['--data-dir', dir, '--tls-port', '0'];
  const first = await startServer(args);
  // "The first start creates the admin account admin and writes its password to data/admin-password."
  const passwordFile = path.join(dir, 'admin-password');
  await logged(first, new RegExp(`its password is in ${passwordFile}`));
  const password = fs.readFileSync(passwordFile, 'utf8').trim();

  const admin = sClient(first.tlsPort, path.join(dir, 'tls', 'cert.pem'));
  const welcome = await admin.next('WELCOME');
  const me = welcome.args[0] as string;
  admin.send(`/login admin ${password}`);
  expect(await admin.next('INFO')).toEqual(
    event('INFO', [], 'you are now an admin (account admin)'),
  );

  const troublemaker = await joinFrom(first, '127.0.0.2', []);
  await troublemaker.send('/nick spammer');
  await admin.next('NICK');
  admin.send('/kick spammer please stop');
  expect(await admin.next('KICK')).toEqual(event('KICK', ['spammer', me], 'please stop'));
  expect(await admin.next('QUIT')).toEqual(
    event('QUIT', ['spammer'], `kicked by ${me}: please stop`),
  );
  await troublemaker.ended;

  const again = await joinFrom(first, '127.0.0.2', []);
  await again.send('/nick spammer');
  await admin.next('NICK');
  admin.send('/ban spammer 7d spam');
  expect(await admin.next('BAN')).toEqual(event('BAN', ['127.0.0.2', me], 'spam'));
  expect(await admin.next('QUIT')).toEqual(event('QUIT', ['spammer'], `banned by ${me}: spam`));
  admin.send('/bans');
  const listed = await admin.next('BANS');
  expect(listed.args.slice(0, 2)).toEqual(['127.0.0.2', me]);

  // Ctrl-C, and start it again.
  first.child.kill('SIGINT');
  expect(await first.exited).toEqual({ code: 0, signal: null });
  const second = await startServer(args);
  expect(await turnedAway(second, '127.0.0.2')).toEqual([bannedError('spam', listed.args[3])]);
});
