/**
 * The client for scripts, when stdin or stdout is not a terminal: every line of stdin is sent
 * (client commands included), every server line is printed as received (less control
 * characters: see connection.ts), the client's own notices go to stderr, and the end of stdin
 * quits once everything was sent. With nobody to type `/connect`, it exits 1 rather than wait
 * for ever when the server stays away or will not have it.
 */
import readline from 'node:readline';

import type { ClientOptions } from './options.js';
import { Session } from './session.js';

/** Failed connections in a row before a script is told (exit 1): about 15 s of backoff. */
const GIVE_UP_AFTER = 6;

export function runLineMode(options: ClientOptions): void {
  const { stdin, stdout, stderr } = process;
  let exiting = false;
  const session = new Session(
    options,
    {
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
    },
    { giveUpAfter: GIVE_UP_AFTER },
  );
  const lines = readline.createInterface({ input: stdin, crlfDelay: Infinity });
  lines.on('line', (line) => session.submit(line));
  lines.on('close', () => session.quit());
  session.start();
}
