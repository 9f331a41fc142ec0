/**
 * The real `selectchat-server` run to completion, for what ends by itself: `--help`, `--version`,
 * bad options, a port in use. It gets `serverDefaults()` first (free port, no TLS, its own data
 * dir), and the test's options after them win. Killed after the test if it is still running.
 */
import { spawn } from 'node:child_process';

import { distModule, serverDefaults, type ScriptResult } from './process';
import { teardown } from './teardown';

/** Runs `node dist/src/server/main.js ...args` and resolves with its exit and output. */
export function runServer(args: readonly string[]): Promise<ScriptResult> {
  return runMain([...serverDefaults(), ...args]);
}

/**
 * Runs `node dist/src/server/main.js ...args` exactly as given, with `input` as its standard
 * input (by default an empty one, which is not a terminal).
 */
export function runMain(args: readonly string[], input = ''): Promise<ScriptResult> {
  const child = spawn(process.execPath, [distModule('src/server/main'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  child.stdin.end(input);
  const closed = new Promise<ScriptResult>((resolve) => {
    // 'close' comes after 'exit' and after both output streams have ended.
    child.once('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await closed;
  });
  return closed;
}

/** The JSON log lines of a server's stdout, parsed. */
export function logLines(stdout: string): { level: number; msg: string }[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}
