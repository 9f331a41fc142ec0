/**
 * Child processes in tests: the real `selectchat-server` from dist/, and short Node scripts for
 * what must not happen inside jest's own process (an uncaught exception, exiting by itself).
 * Each is killed after the test if still running, and its exit is awaited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

import { currentBackend } from './backends';
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
  /** The plain TCP port (NaN with `--port off`). */
  port: number;
  /** The TLS port (NaN unless `--tls-port` was given). */
  tlsPort: number;
  /** The server's own fresh --data-dir, removed after the test. */
  dataDir: string;
  /** The messages (`msg`) of the JSON log lines seen so far. */
  messages: string[];
  /** The JSON log lines seen so far, whole (with `err`, `peer`...). */
  records: Record<string, unknown>[];
  exited: Promise<Exit>;
}

/**
 * Arguments every test server gets first (the test's own come after and win): any free plain
 * port, no TLS listener unless asked (no fixed port 7443), a data dir of its own, and `backend`
 * (default: the running suite's, see backends.ts; else the server's own default).
 */
export function serverDefaults(backend = currentBackend()): string[] {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-data-'));
  teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const chosen = backend === undefined ? [] : ['--backend', backend];
  return ['--port', '0', '--tls-port', 'off', '--data-dir', dataDir, ...chosen];
}

/** The value of the last `name` option in args, as commander reads it. */
function lastOption(args: readonly string[], name: string): string | undefined {
  const at = args.lastIndexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export interface StartOptions {
  /** `--backend` (default: the running suite's; see serverDefaults). */
  backend?: string;
  /** A shell prefix run before the server, e.g. `ulimit -n 256` (the server is exec'd). */
  shell?: string;
}

/**
 * Spawn `selectchat-server` on free ports and wait for its `listening on HOST:PORT (KIND, ...)`
 * lines: plain unless `--port off`, TLS when `--tls-port` is given (e.g. `['--tls-port', '0']`).
 */
export async function startServer(
  args: readonly string[] = [],
  options: StartOptions = {},
): Promise<RunningServer> {
  const main = distModule('src/server/main');
  const all = [...serverDefaults(options.backend), ...args];
  const kinds = new Set<string>();
  if (lastOption(all, '--port') !== 'off') kinds.add('plain');
  if (lastOption(all, '--tls-port') !== 'off') kinds.add('tls');
  const argv = [process.execPath, main, ...all];
  const child =
    options.shell === undefined
      ? spawn(process.execPath, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('sh', ['-c', `${options.shell} && exec "$@"`, 'sh', ...argv], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  const exited = tracked(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // Every JSON log line's message, kept for the whole life of the server.
  const messages: string[] = [];
  const records: Record<string, unknown>[] = [];
  let onMessage = (_msg: string): void => undefined;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    records.push(record);
    const { msg } = record as { msg?: string };
    if (msg === undefined) return;
    messages.push(msg);
    onMessage(msg);
  });
  const listening = new Map<string, RegExpExecArray>();
  await new Promise<void>((resolve, reject) => {
    onMessage = (msg) => {
      const match = /^listening on \[?([^\]]*)\]?:(\d+) \((\w+)/.exec(msg);
      if (match !== null) listening.set(match[3], match);
      if (listening.size === kinds.size) resolve();
    };
    void exited.then(() => reject(new Error(`the server exited before listening: ${stderr}`)));
  });
  if (child.pid === undefined) throw new Error('the server has no pid');
  const first = listening.get('plain') ?? (listening.get('tls') as RegExpExecArray);
  return {
    child,
    pid: child.pid,
    host: first[1],
    port: Number(listening.get('plain')?.[2]),
    tlsPort: Number(listening.get('tls')?.[2]),
    dataDir: lastOption(all, '--data-dir') as string,
    messages,
    records,
    exited,
  };
}
