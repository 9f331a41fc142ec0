/**
 * Bans and accounts on disk: they survive a restart and expired bans are pruned; a damaged or
 * hand-edited file stops the start with an error naming its file and line (never a stack trace);
 * and a kill -9 in the middle of a burst of ban writes leaves a file the next start loads whole,
 * holding the bans up to some point, in order.
 */
import fs from 'node:fs';
import path from 'node:path';

import { event } from '../helpers/chat-client';
import { adminRoom, bannedError, joinFrom, turnedAway } from '../helpers/admin';
import { logLines, runServer } from '../helpers/server-cli';
import { eventually } from '../helpers/teardown';
import { logged, tempDir } from '../helpers/tls';

const NOW = new Date().toISOString();
const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString();

function waitForFile(file: string, test: (text: string) => boolean): Promise<true> {
  return eventually(() =>
    fs.existsSync(file) && test(fs.readFileSync(file, 'utf8')) ? true : undefined,
  );
}

test('bans survive a restart; bans that expired meanwhile are pruned from the file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'bans');
  const first = await adminRoom(['--data-dir', dir]);
  const bob = await joinFrom(first.server, '127.0.0.2', [first.admin]);
  for (const line of [
    `/ban ${bob.nick} spam`,
    '/ban nick:troll 1h trolling',
    '/ban 127.0.0.4 1s short',
  ]) {
    await first.admin.send(line);
    await first.admin.next('BAN');
  }
  await waitForFile(file, (text) => text.includes('127.0.0.4'));
  first.server.child.kill('SIGTERM');
  expect(await first.server.exited).toEqual({ code: 0, signal: null });
  const short = /^127\.0\.0\.4 \S+ \S+ (\S+) /m.exec(fs.readFileSync(file, 'utf8'))?.[1] as string;
  await new Promise((resolve) => setTimeout(resolve, Date.parse(short) - Date.now() + 10));

  const { server, admin } = await adminRoom(['--data-dir', dir]);
  await logged(server, /^2 ban\(s\) in force$/);
  // The default admin's password file is still there: each start says so.
  await logged(server, /^the default admin's password is still in /);
  expect(server.messages.some((m) => m.startsWith('created the admin account'))).toBe(false);
  expect(await turnedAway(server, '127.0.0.2')).toEqual([bannedError('spam')]);
  const newcomer = await joinFrom(server, '127.0.0.4', [admin]);
  await newcomer.send('/nick troll');
  expect(await newcomer.next()).toEqual(
    event(
      'ERROR',
      ['banned'],
      expect.stringMatching(/^the nick troll is banned: trolling \(until /),
    ),
  );
  await admin.send('/bans');
  expect((await admin.until('INFO')).map((e) => e.args[0] ?? e.text)).toEqual([
    '127.0.0.2',
    'nick:troll',
    '2 bans',
  ]);
  await waitForFile(file, (text) => !text.includes('127.0.0.4'));
});

test('a hand-edited bans file is read: comments, blank lines, IPv6, expired bans dropped', async () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'bans'),
    [
      '# my own bans',
      '',
      `127.0.0.2 root ${NOW} permanent :by hand`,
      `  [::1]   root ${NOW} permanent :  spaces kept  `,
      `127.0.0.3 root ${HOUR_AGO} ${NOW} :already over`,
      `10.0.0.0/8 root ${NOW} permanent :`,
    ].join('\n'),
  );
  const { server, admin } = await adminRoom(['--data-dir', dir]);
  expect(await turnedAway(server, '127.0.0.2')).toEqual([bannedError('by hand')]);
  await joinFrom(server, '127.0.0.3', [admin]);
  await admin.send('/bans');
  expect((await admin.until('INFO')).map((e) => [e.args[0], e.text])).toEqual([
    ['127.0.0.2', 'by hand'],
    ['[::1]', '  spaces kept'],
    ['10.0.0.0/8', ''],
    [undefined, '3 bans'],
  ]);
});

const AT = `root ${NOW} permanent :x`;
const DAMAGED: [string, string | Buffer, string][] = [
  [
    'bans',
    `# header\n10.0.0.1 ${AT}\n300.1.2.3 ${AT}\n`,
    'bans:3: 300.1.2.3 is not an address, a range (CIDR) or nick:<name>',
  ],
  [
    'bans',
    Buffer.from(`10.0.0.1 ${AT}\n10.0.0.2 root \xff\xfe\n`, 'latin1'),
    'bans:2: not UTF-8 text',
  ],
  ['bans', Buffer.alloc(64), 'bans:1: control characters in the line'],
  ['bans', `10.0.0.1 root yesterday permanent :x\n`, 'bans:1: bad set-at time "yesterday"'],
  ['bans', `10.0.0.1 root ${NOW} soon :x\n`, 'bans:1: bad until "soon": a time or permanent'],
  ['bans', `10.0.0.1 root ${NOW} permanent no colon\n`, 'bans:1: the reason must follow " :"'],
  ['bans', `10.0.0.1 ${AT}\n\n10.0.0.1 ${AT}\n`, 'bans:3: ban on 10.0.0.1 is listed twice'],
  ['bans', `nick:2bad ${AT}\n`, 'bans:1: nick:2bad: "2bad" is not a valid nick'],
  [
    'admins',
    `admin ${NOW} scrypt:16384:8:1:AAAA\n`,
    'admins:1: not a scrypt:N:r:p:salt:key password hash',
  ],
  [
    'admins',
    `admin ${NOW} scrypt:1073741824:8:1:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`,
    'admins:1: scrypt parameters N=1073741824 r=8 p=1 are out of range',
  ],
  ['admins', `# x\n1admin ${NOW} scrypt\n`, 'admins:2: bad admin name "1admin"'],
];

test.each(DAMAGED.map(([name, content, problem]) => [name, problem, content] as const))(
  'a damaged %s file stops the start: %s',
  async (name, problem, content) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, name), content);
    const result = await runServer(['--data-dir', dir]);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(
      logLines(result.stdout)
        .filter((l) => l.level === 60)
        .map((l) => l.msg),
    ).toEqual([`cannot start: ${path.join(dir, problem)}`]);
  },
);

test('a bans path that cannot be read stops the start, naming it', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'bans'));
  const result = await runServer(['--data-dir', dir]);
  expect(result.code).toBe(1);
  expect(logLines(result.stdout).map((l) => l.msg)).toContain(
    `cannot start: ${path.join(dir, 'bans')}: cannot read it (EISDIR)`,
  );
});

/** The targets /bans lists, in order. */
async function listed(admin: import('../helpers/chat-client').ChatClient): Promise<string[]> {
  await admin.send('/bans');
  return (await admin.until('INFO'))
    .filter((e) => e.type === 'BANS')
    .map((e) => e.args[0] as string);
}

test('kill -9 during a burst of ban writes: the next start loads the bans up to some point', async () => {
  const dir = tempDir();
  let survivors: string[] = [];
  for (const round of [1, 2, 3]) {
    const { server, admin } = await adminRoom(['--data-dir', dir]);
    expect(await listed(admin)).toEqual(survivors);
    // No temporary file of an earlier, killed server is left once this one has started.
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const targets = Array.from({ length: 150 }, (_, i) => `10.${round}.${i >> 8}.${i & 255}`);
    const killAt = 40 + round * 30;
    for (const [i, target] of targets.entries()) {
      await admin.send(`/ban ${target} 7d round ${round}`);
      await admin.next('BAN'); // each ban in a turn of its own: writes overlap changes
      if (i === killAt) server.child.kill('SIGKILL');
      if (i === killAt) break;
    }
    expect((await server.exited).signal).toBe('SIGKILL');
    const next = await adminRoom(['--data-dir', dir]);
    const loaded = await listed(next.admin);
    const all = [...survivors, ...targets];
    expect(loaded).toEqual(all.slice(0, loaded.length));
    expect(loaded.length).toBeGreaterThanOrEqual(survivors.length);
    survivors = loaded;
    next.server.child.kill('SIGKILL');
    await next.server.exited;
  }
});
