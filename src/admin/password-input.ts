/**
 * Reading a new admin password for `admin add`: from the terminal, without echo, asked twice;
 * or the first line of standard input (`--password-stdin`), for scripts. Never from the command
 * line, where `ps` and shell histories would show it.
 */
import { read } from 'read';

import { passwordProblem } from './password';

/** A problem the user can fix; the CLI prints its message and exits 1. */
export class UsageError extends Error {}

/** Most bytes read from standard input: a password is one short line. */
const MAX_STDIN_BYTES = 64 * 1024;

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_STDIN_BYTES || chunk.includes(0x0a)) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const end = text.indexOf('\n');
  const line = end === -1 ? text : text.slice(0, end);
  if (line === '' && end === -1) throw new UsageError('no password on standard input');
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

async function askTwice(): Promise<string> {
  // Prompts go to stderr, so that stdout stays the command's own output.
  const ask = (prompt: string): Promise<string> =>
    read({ prompt, silent: true, replace: '', output: process.stderr });
  const password = await ask('new admin password: ');
  if (passwordProblem(password) === undefined && (await ask('again: ')) !== password) {
    throw new UsageError('the two passwords differ');
  }
  return password;
}

/** The new password, checked against the password rules. */
export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (!fromStdin && !process.stdin.isTTY) {
    throw new UsageError('no terminal to ask for the password: give it with --password-stdin');
  }
  const password = fromStdin ? await firstLineOfStdin() : await askTwice();
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new UsageError(problem);
  return password;
}
