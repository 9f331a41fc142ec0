/**
 * Child processes in tests: the real `selectchat-server` from dist/, and short Node scripts for
 * what must not happen inside jest's own process (an uncaught exception, exiting by itself).
 * Each is killed after the test if still running, and its exit is awaited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

import { teardown } from './teardown';

const ROOT = path.resolve(__dirname, '..', '..');

/** The compiled module `relative` (e.g. 'src/loop/event-loop'), for scripts run by `node`. */
export function distModule(relative: string): string {
  const file = path.join(ROOT, 'dist', `${relative}.js`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first`);
  return file;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when `child` has exited; killed with SIGKILL after the test if it has not. */
function tracked(child: ChildProcess): Promise<Exit> {
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return exited;
}

export interface ScriptResult extends Exit {
  stdout: string;
  stderr: string;
}

export interface RunningScript {
  child: ChildProcess & { stdout: Readable; stderr: Readable };
  /** Everything the script has printed so far. */
  output: { stdout: string; stderr: string };
  /** Resolves once the process has exited and its output streams are closed. */
  finished: Promise<ScriptResult>;
}

/** Start `node [nodeArgs] -e script`; killed after the test if it is still running. */
export function spawnScript(script: string, nodeArgs: readonly string[] = []): RunningScript {
  const child = spawn(process.execPath, [...nodeArgs, '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const streamsDone = Promise.all([
    new Promise((resolve) => child.stdout.once('close', resolve)),
    new Promise((resolve) => child.stderr.once('close', resolve)),
  ]);
  const exited = tracked(child);
  const finished = (async () => {
    const exit = await exited;
    await streamsDone;
    return { ...exit, ...output };
  })();
  return { child, output, finished };
}

/** Run `node -e script` to completion. */
export function runScript(script: string): Promise<ScriptResult> {
  return spawnScript(script).finished;
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  host: string;
  port: number;
  /** The messages (`msg`) of the JSON log lines seen so far. */
  messages: string[];
  exited: Promise<Exit>;
}

/** Spawn `selectchat-server --port 0` and wait for its `listening on HOST:PORT` line. */
export async function startServer(args: readonly string[] = []): Promise<RunningServer> {
  const main = distModule('src/server/main');
  const child = spawn(process.execPath, [main, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = tracked(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // Every JSON log line's message, kept for the whole life of the server.
  const messages: string[] = [];
  let onMessage = (_msg: string): void => undefined;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const { msg } = JSON.parse(line) as { msg?: string };
    if (msg === undefined) return;
    messages.push(msg);
    onMessage(msg);
  });
  const listening = await new Promise<RegExpExecArray>((resolve, reject) => {
    onMessage = (msg) => {
      const match = /^listening on \[?([^\]]*)\]?:(\d+)/.exec(msg);
      if (match !== null) resolve(match);
    };
    void exited.then(() => reject(new Error(`the server exited before listening: ${stderr}`)));
  });
  if (child.pid === undefined) throw new Error('the server has no pid');
  return {
    child,
    pid: child.pid,
    host: listening[1],
    port: Number(listening[2]),
    messages,
    exited,
  };
}
