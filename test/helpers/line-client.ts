/**
 * The real `selectchat` in line mode (stdin and stdout are pipes): lines written to its stdin,
 * its stdout and stderr collected and waited on, killed after the test if still running.
 */
import { spawn } from 'node:child_process';

import { distModule } from './process';
import { teardown } from './teardown';

/** How long the client may take to print what a test waits for (the machine is shared). */
const OUTPUT_TIMEOUT_MS = 20_000;

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface LineClient {
  /** Writes `text` to the client's stdin. */
  write(text: string): void;
  /** Ends the client's stdin (the client then quits once what it has is sent). */
  end(text?: string): void;
  /** Waits until stdout, or stderr, shows `pattern`; returns all of it so far. */
  stdout(pattern: RegExp): Promise<string>;
  stderr(pattern: RegExp): Promise<string>;
  /** Resolves when the client has exited. */
  readonly finished: Promise<Ran>;
}

export function lineClient(args: readonly string[]): LineClient {
  const child = spawn(process.execPath, [distModule('src/client/main'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent/selectchat-test' },
  });
  teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const grew = (): void => waiters.forEach((waiter) => waiter());
  child.stdout.setEncoding('utf8').on('data', (text: string) => ((out.stdout += text), grew()));
  child.stderr.setEncoding('utf8').on('data', (text: string) => ((out.stderr += text), grew()));
  const finished = new Promise<Ran>((resolve) =>
    child.once('close', (code) => resolve({ code, ...out })),
  );
  const wait = (stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(out[stream])) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(out[stream]);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${stream} never showed ${String(pattern)}: ${JSON.stringify(out)}`));
      }, OUTPUT_TIMEOUT_MS);
      waiters.add(check);
      check();
    });
  return {
    write: (text) => child.stdin.write(text),
    end: (text) => child.stdin.end(text),
    stdout: (pattern) => wait('stdout', pattern),
    stderr: (pattern) => wait('stderr', pattern),
    finished,
  };
}
