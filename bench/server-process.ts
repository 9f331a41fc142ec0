/**
 * The servers the fan-out benchmark compares, each started fresh in its own process per run, and
 * how to find the port it chose (`--port 0`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { Binaries } from './fanout-build';

export interface ServerSpec {
  name: string;
  describe: string;
  command(binaries: Binaries): string[];
}

const SERVER_MAIN = path.resolve(__dirname, '..', 'src', 'server', 'main.js');

/**
 * Flags from selectchat's `--help`, when it has them: no flood limit (the bench measures the
 * room's fast path, not a limiter dropping or delaying lines), and no TLS listener (this is the
 * plain TCP benchmark; a fixed TLS port would also collide with any other server running).
 */
function benchFlags(): string[] {
  let help = '';
  try {
    help = execFileSync(process.execPath, [SERVER_MAIN, '--help'], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return [
    ...(help.includes('--flood-rate') ? ['--flood-rate', '0'] : []),
    ...(help.includes('--tls-port') ? ['--tls-port', 'off'] : []),
  ];
}

export function serverSpecs(): ServerSpec[] {
  const selectchat = [SERVER_MAIN, '--port', '0', '--log-level', 'warn', ...benchFlags()];
  return [
    {
      name: 'selectchat',
      describe: `node ${path.relative(process.cwd(), SERVER_MAIN)} ${selectchat.slice(1).join(' ')}`,
      command: () => [process.execPath, ...selectchat],
    },
    {
      name: 'c-ref',
      describe: 'bench/c/ref-server.c: select(), "MSG <fd> <text>"',
      command: (binaries) => [binaries.refServer, '--port', '0'],
    },
    {
      name: 'c-ref-format',
      describe: 'bench/c/ref-server.c --format chat: selectchat\'s "<time> MSG <nick> :<text>"',
      command: (binaries) => [binaries.refServer, '--port', '0', '--format', 'chat'],
    },
  ];
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  port: number;
  /** The last lines it wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15000;
/** How long to wait for a printed `listening on` line before looking in /proc. */
const PROC_FALLBACK_MS = 2000;

/** The ports `pid` listens on over TCP, from /proc (whatever its log level prints). */
function listeningPorts(pid: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      fs
        .readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode) => inode !== undefined),
    );
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'latin1').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9])) {
        ports.push(parseInt(fields[1].split(':')[1], 16));
      }
    }
  }
  return ports;
}

/**
 * The plain TCP port: from a `listening on HOST:PORT` line (not one marked tls), or, when
 * nothing was printed for a while, from /proc if the process listens on exactly one port.
 */
function findPort(output: string, pid: number, waitedMs: number): number | undefined {
  for (const line of output.split('\n')) {
    const match = /listening on \S*:(\d+)/.exec(line);
    if (match !== null && !/\btls\b/i.test(line)) return Number(match[1]);
  }
  if (waitedMs < PROC_FALLBACK_MS) return undefined;
  const ports = listeningPorts(pid);
  return ports.length === 1 ? ports[0] : undefined;
}

/** `command` under `taskset -c cpus` when pinned. */
export function pinned(command: string[], cpus: string | undefined): string[] {
  return cpus === undefined ? command : ['taskset', '-c', cpus, ...command];
}

export async function startServer(command: string[]): Promise<RunningServer> {
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${command.join(' ')}`);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const started = Date.now();
  for (;;) {
    const port = findPort(output, pid, Date.now() - started);
    if (port !== undefined) return { child, pid, port, output: () => output, stop };
    if (child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      await stop();
      throw new Error(`${command.join(' ')} did not start listening:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
