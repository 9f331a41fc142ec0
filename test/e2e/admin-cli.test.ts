/**
 * `selectchat-server admin add|remove|list`, run for real: the password from standard input or
 * from a terminal (a real pseudo-terminal made by `script`), without echo; bad names and
 * passwords; and a running server taking changes at its next login, without a restart. The
 * server's own options keep working beside the subcommand.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { ChatClient, event } from '../helpers/chat-client';
import { login, runAdmin } from '../helpers/admin';
import { distModule, startServer } from '../helpers/process';
import { runServer } from '../helpers/server-cli';
import { teardown } from '../helpers/teardown';
import { generatedCertificate, tempDir } from '../helpers/tls';

const WRONG = event('ERROR', ['not-permitted'], 'wrong name or password');

test('admin add --password-stdin, list, and a login with a password that has spaces', async () => {
  const dir = tempDir();
  const password = 'correct horse battery staple';
  expect(
    await runAdmin(['add', 'alice', '--data-dir', dir, '--password-stdin'], `${password}\n`),
  ).toMatchObject({
    code: 0,
    stdout: 'added admin alice\n',
    stderr: '',
  });
  expect(fs.statSync(path.join(dir, 'admins')).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(path.join(dir, 'admins'), 'utf8')).not.toContain(password);
  const listed = await runAdmin(['list', '--data-dir', dir]);
  expect(listed.stdout).toMatch(/^alice since \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);

  // With an admin already there, the server makes no default one.
  const server = await startServer(['--data-dir', dir, '--tls-port', '0']);
  expect(fs.existsSync(path.join(dir, 'admin-password'))).toBe(false);
  expect(server.messages.some((m) => m.startsWith('created the admin account'))).toBe(false);
  const client = await ChatClient.connectTls(server.tlsPort, {
    ca: generatedCertificate(dir).cert,
  });
  await client.send('/login alice correct horse');
  expect(await client.next()).toEqual(WRONG);
  await login(client, password, 'alice');
});

/** Runs `admin ...args` on a pseudo-terminal, typing each answer once its prompt shows. */
function onTerminal(
  args: string[],
  answers: string[],
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, distModule('src/server/main'), 'admin', ...args].join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  let prompts = 0;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
    // Answer only once the prompt is there: the terminal echoes what is typed before it.
    while (
      prompts < answers.length &&
      (output.match(/password: |again: /g) ?? []).length > prompts
    ) {
      child.stdin.write(`${answers[prompts++]}\r`);
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

test('admin add asks twice on a terminal, without echo', async () => {
  const dir = tempDir();
  const typed = 'Typed-On-A-Terminal';
  const done = await onTerminal(['add', 'carol', '--data-dir', dir], [typed, typed]);
  expect(done.code).toBe(0);
  expect(done.output).toMatch(/new admin password: .*again: .*added admin carol/s);
  expect(done.output).not.toContain(typed);
  expect((await runAdmin(['list', '--data-dir', dir])).stdout).toMatch(/^carol since /);

  const differ = await onTerminal(
    ['add', 'dave', '--data-dir', dir],
    ['first-password', 'other-password'],
  );
  expect(differ.code).toBe(1);
  expect(differ.output).toContain('error: the two passwords differ');
});

test.each([
  [
    ['add', '2admin', '--password-stdin'],
    'long enough pw\n',
    'invalid admin name 2admin: use 1-24 letters, digits, _ or -, starting with a letter',
  ],
  [['add', 'bob', '--password-stdin'], 'short\n', 'a password needs at least 8 characters'],
  [
    ['add', 'bob', '--password-stdin'],
    ' leading space\n',
    'a password may not start or end with a space',
  ],
  [
    ['add', 'bob', '--password-stdin'],
    'tab\there ok\n',
    'a password may not contain control characters',
  ],
  [['add', 'bob', '--password-stdin'], '', 'no password on standard input'],
  [['add', 'bob'], '', 'no terminal to ask for the password: give it with --password-stdin'],
  [['remove', 'nobody'], '', 'there is no admin nobody'],
])('admin %j with input %j fails clearly', async (args, input, message) => {
  const dir = tempDir();
  const result = await runAdmin([...args, '--data-dir', dir], input);
  expect(result).toMatchObject({ code: 1, stdout: '', stderr: `error: ${message}\n` });
  expect(fs.existsSync(path.join(dir, 'admins'))).toBe(false);
});

test('a damaged accounts file is reported by file and line', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'admins'), '# fine\nadmin yesterday scrypt:1\n');
  const result = await runAdmin(['list', '--data-dir', dir]);
  expect(result).toMatchObject({
    code: 1,
    stderr: `error: ${path.join(dir, 'admins')}:2: bad time "yesterday"\n`,
  });
});

test('a running server takes admin add and remove at the next login; add admin replaces its password', async () => {
  const server = await startServer(['--tls-port', '0']);
  const dir = server.dataDir;
  const ca = generatedCertificate(dir).cert;
  const client = await ChatClient.connectTls(server.tlsPort, { ca });
  await client.send('/login bob bobs-password');
  expect(await client.next()).toEqual(WRONG);
  expect(
    (await runAdmin(['add', 'bob', '--data-dir', dir, '--password-stdin'], 'bobs-password\n')).code,
  ).toBe(0);
  await login(client, 'bobs-password', 'bob');

  const other = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await client.next()).toEqual(event('JOIN', [other.nick]));
  expect((await runAdmin(['remove', 'bob', '--data-dir', dir])).stdout).toBe(
    'removed admin bob; sessions logged in to it stay admins until they leave\n',
  );
  await other.send('/login bob bobs-password');
  expect(await other.next()).toEqual(WRONG);

  // The default admin's password file goes once that password is replaced.
  const replaced = await runAdmin(
    ['add', 'admin', '--data-dir', dir, '--password-stdin'],
    'a new admin password\n',
  );
  expect(replaced.stdout).toBe(
    `changed the password of admin admin\nremoved ${path.join(dir, 'admin-password')}: its password is no longer valid\n`,
  );
  expect(fs.existsSync(path.join(dir, 'admin-password'))).toBe(false);
  const last = await runAdmin(['remove', 'admin', '--data-dir', dir]);
  expect(last.stdout).toContain(
    'no admins are left: the next start creates the default admin again',
  );
});

test('--help names --allow-plain-login and the admin commands; admin --help lists them', async () => {
  const help = await runServer(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--allow-plain-login');
  expect(help.stdout).toContain('Admin accounts: selectchat-server admin add|remove|list');
  const adminHelp = await runAdmin(['--help']);
  expect(adminHelp.code).toBe(0);
  for (const word of ['add [options] <name>', 'remove [options] <name>', 'list [options]']) {
    expect(adminHelp.stdout).toContain(word);
  }
});
