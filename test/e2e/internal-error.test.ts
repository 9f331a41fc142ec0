/**
 * The class of bug that once took the whole server down, over the wire on every backend: an
 * event ARG starting with ':' makes the formatter throw RangeError while carrying out one line.
 * The bug is put into the real server process from outside, with Node's `--require` (a preload
 * that makes the formatter see such an ARG for one trigger text), so production code has no hook
 * for it. The sender gets one `ERROR internal-error`; the log has the error with its stack; the
 * others see nothing of it; everyone, the sender included, goes on chatting; nobody is dropped.
 */
import fs from 'node:fs';
import path from 'node:path';

import { ChatClient, event } from '../helpers/chat-client';
import { barrier } from '../helpers/chat-room';
import { distModule, startServer } from '../helpers/process';
import { logged, tempDir } from '../helpers/tls';

const TRIGGER = 'please trip over this';

/**
 * A preload that gives the formatter an ARG starting with ':' whenever the text is TRIGGER, on
 * both of its paths: text as a string (`format`), and a clean line's bytes (`formatBytes`, which
 * the native backends' framing takes for plain text).
 */
function bugPreload(): string {
  const file = path.join(tempDir(), 'formatter-bug.js');
  const format = JSON.stringify(distModule('src/protocol/format'));
  const trigger = JSON.stringify(TRIGGER);
  fs.writeFileSync(
    file,
    `const { EventFormatter } = require(${format});
const { format, formatBytes } = EventFormatter.prototype;
EventFormatter.prototype.format = function (type, args, text) {
  return format.call(this, type, text === ${trigger} ? [':' + args[0]] : args, text);
};
EventFormatter.prototype.formatBytes = function (ms, type, arg, bytes, start, end) {
  const bug = bytes.toString('utf8', start, end) === ${trigger};
  return formatBytes.call(this, ms, type, bug ? ':' + arg : arg, bytes, start, end);
};
`,
  );
  return file;
}

test('a line that makes the formatter throw: ERROR internal-error, logged with its stack; the room goes on', async () => {
  const server = await startServer([], {
    shell: `export NODE_OPTIONS="--require ${bugPreload()}"`,
  });
  const [a, b] = [await ChatClient.connect(server.port), await ChatClient.connect(server.port)];
  expect(await a.next()).toEqual(event('JOIN', [b.nick]));

  await a.send(TRIGGER);
  expect(await a.next()).toEqual(
    event(
      'ERROR',
      ['internal-error'],
      'the server failed to carry out that line (a bug, now in its log); it was dropped',
    ),
  );
  const [line] = await logged(server, /^internal error carrying out a line from guest-1; /);
  const record = server.records.find((r) => r.msg === line) as { err?: { stack?: string } };
  expect(record.err?.stack).toMatch(/^RangeError: invalid event argument ":guest-1"\n\s+at /);
  expect(record.err?.stack).toContain('checkArg');

  // The same member goes on; so do the others, who never saw the broken line.
  await a.send('/me is fine');
  await b.send('and so am I');
  expect(await barrier(b, [a, b])).toEqual([
    [event('ACTION', [a.nick], 'is fine'), event('MSG', [b.nick], 'and so am I')],
    [event('ACTION', [a.nick], 'is fine'), event('MSG', [b.nick], 'and so am I')],
  ]);
  const c = await ChatClient.connect(server.port);
  expect(c.nick).toBe('guest-3');
  expect(server.child.exitCode).toBeNull();
});
