/**
 * Without a terminal the client is a line client for scripts: stdin lines are sent, server
 * lines printed as received (less control characters), notices on stderr, the end of stdin
 * quits after sending, and a server that will not have it ends it with exit 1.
 */
import { fakeServer } from '../../helpers/fake-server';
import { lineClient, type Ran } from '../../helpers/line-client';
import { startServer } from '../../helpers/process';

/** Runs the client with `input` on stdin, then its end; undefined keeps stdin open. */
function runClient(args: readonly string[], input: string | undefined): Promise<Ran> {
  const client = lineClient(args);
  if (input !== undefined) client.end(input);
  return client.finished;
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

test('server lines are printed without control characters: a pipe may lead to a terminal', async () => {
  const server = await fakeServer();
  const running = runClient(['--port', String(server.port)], 'hello\n');
  const peer = await server.connection();
  peer.send(
    'WELCOME guest-1 :hi',
    'MSG mallory :\u001b]0;PWNED-TITLE\u0007\u001b[41mRED\u001b[0m\ttab \u009b2Jend',
  );
  expect(await peer.next()).toBe('/list');
  expect(await peer.next()).toBe('hello');
  expect(await peer.next()).toBe('/quit');
  const ran = await running;
  expect(ran.stdout.split('\n').map((line) => line.replace(/^\S+ /, ''))).toEqual([
    'WELCOME guest-1 :hi',
    'MSG mallory :]0;PWNED-TITLE[41mRED[0m\ttab 2Jend',
    '',
  ]);
  expect(ran.code).toBe(0);
});

test('with stdin still open, a server that refuses the client ends it with exit 1', async () => {
  const server = await fakeServer();
  const running = runClient(['--port', String(server.port)], undefined);
  const peer = await server.connection();
  peer.send('ERROR banned :spamming links (permanent)');
  peer.close();
  const ran = await running;
  expect(ran.stdout).toMatch(/ERROR banned :spamming links \(permanent\)\n$/);
  expect(ran.stderr).toMatch(/not reconnecting \(banned\)\n$/);
  expect(ran.code).toBe(1);
});
