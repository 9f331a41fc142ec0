/**
 * A server under test in its own process: started fresh, its port found (it listens on port 0),
 * its file-descriptor limit checked, stopped with SIGKILL (nothing it does after a run counts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

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
 * The port: from a `listening on HOST:PORT` line (one marked tls for a TLS server, one not marked
 * tls otherwise), or, when nothing was printed for a while, from /proc if the process listens on
 * exactly one port.
 */
export function findPort(
  output: string,
  tls: boolean,
  pid: number,
  waitedMs: number,
): number | undefined {
  for (const line of output.split('\n')) {
    const match = /listening on \S*:(\d+)/.exec(line);
    if (match !== null && /\btls\b/i.test(line) === tls) return Number(match[1]);
  }
  if (waitedMs < PROC_FALLBACK_MS) return undefined;
  const ports = listeningPorts(pid);
  return ports.length === 1 ? ports[0] : undefined;
}

/** The soft RLIMIT_NOFILE of a running process, from /proc (undefined: unknown or unlimited). */
export function openFileLimit(pid: number): number | undefined {
  try {
    const limits = fs.readFileSync(`/proc/${pid}/limits`, 'latin1');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

export async function startServer(command: string[], tls: boolean): Promise<RunningServer> {
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
    const port = findPort(output, tls, pid, Date.now() - started);
    if (port !== undefined) return { child, pid, port, output: () => output, stop };
    if (child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      await stop();
      throw new Error(`${command.join(' ')} did not start listening:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
