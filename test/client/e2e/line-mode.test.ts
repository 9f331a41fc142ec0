/**
 * Without a terminal the client is a line client for scripts: stdin lines are sent, server
 * lines printed as received, notices on stderr, and the end of stdin quits after sending.
 */
import { spawn } from 'node:child_process';

import { distModule, startServer } from '../../helpers/process';
import { teardown } from '../../helpers/teardown';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runClient(args: readonly string[], input: string): Promise<Ran> {
  const child = spawn(process.execPath, [distModule('src/client/main'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent/selectchat-test' },
  });
  teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (out.stderr += text));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out })));
}

test('lines in, server lines out exactly as sent; end of input quits with 0', async () => {
  const server = await startServer();
  const ran = await runClient(
    ['--port', String(server.port), '--nick', 'scripty'],
    'hello\n\n/me waves\n/list\n',
  );
  const lines = ran.stdout.trimEnd().split('\n');
  expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual([
    expect.stringMatching(/^WELCOME guest-\d+ :welcome/),
    expect.stringMatching(/^NICK guest-\d+ scripty$/),
    'MSG scripty :hello',
    'ACTION scripty :waves',
    'USERS scripty',
  ]);
  for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z [A-Z]+/);
  expect(ran.stderr).toContain('selectchat: connected to 127.0.0.1:');
  expect(ran.code).toBe(0);
});

test('an unknown certificate cannot be asked about without a terminal: a clear error, exit 1', async () => {
  const server = await startServer(['--port', 'off', '--tls-port', '0']);
  const ran = await runClient(['--tls', '--port', String(server.tlsPort)], 'hello\n');
  expect(ran.stderr).toMatch(/cannot ask without a terminal whether to trust 127\.0\.0\.1:\d+/);
  expect(ran.stderr).toMatch(/--fingerprint [0-9A-F:]{95}/);
  expect(ran.stdout).toBe('');
  expect(ran.code).toBe(1);
});

test('bad options get a clear message and exit 1', async () => {
  const ran = await runClient(['--nick', '2cool'], '');
  expect(ran.stderr).toMatch(/--nick.*use 1-24 letters/);
  expect(ran.code).toBe(1);
  const both = await runClient(['--ca', 'x.pem', '--insecure'], '');
  expect(both.stderr).toMatch(/cannot be used with/);
  expect(both.code).toBe(1);
});
