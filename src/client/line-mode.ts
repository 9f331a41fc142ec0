/**
 * The client for scripts, when stdin or stdout is not a terminal: every line of stdin is sent
 * (client commands included), every server line is printed exactly as received, the client's
 * own notices go to stderr, and the end of stdin quits once everything was sent.
 */
import readline from 'node:readline';

import type { ClientOptions } from './options.js';
import { Session } from './session.js';

export function runLineMode(options: ClientOptions): void {
  const { stdin, stdout, stderr } = process;
  let exiting = false;
  const session = new Session(options, {
    event: (_event, line, show) => {
      if (show) stdout.write(line + '\n');
    },
    notice: (text) => stderr.write(`selectchat: ${text}\n`),
    status: () => undefined,
    ask: (question) => {
      stderr.write(
        `selectchat: cannot ask without a terminal whether to trust ${question.server}; ` +
          `run selectchat in a terminal once, or pass --fingerprint ${question.fingerprint}\n`,
      );
      return Promise.resolve(false);
    },
    clear: () => undefined,
    exit: (code) => {
      if (exiting) return;
      exiting = true;
      // Exit only once what was printed has been written out.
      stdout.write('', () => process.exit(code));
    },
  });
  const lines = readline.createInterface({ input: stdin, crlfDelay: Infinity });
  lines.on('line', (line) => session.submit(line));
  lines.on('close', () => session.quit());
  session.start();
}
