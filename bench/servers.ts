/**
 * The servers the bench compares, each a command line started fresh per run: selectchat with each
 * backend its `--help` offers (plain and TLS), and the two C references. What selectchat supports
 * is read from its `--help`, so a flag that lands later (`--backend`, `--flood-rate`) is used
 * without a change here.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import type { Binaries } from './build-c';
import type { Transport } from './options';
import { SERVER_MAIN } from './paths';

export const REFERENCE = 'c-ref';
export const KNOWN_BACKENDS = ['select', 'poll', 'epoll', 'node'] as const;
/** The select backend's default ceiling (`--max-fds`); past it the bench raises it. */
const SELECT_DEFAULT_MAX_FDS = 8192;
/** fds a server holds beside its clients: listeners, stdio, libuv's, files. */
export const FD_RESERVE = 64;

export interface ServerContext {
  binaries: Binaries;
  /** selectchat's --data-dir: its self-signed TLS certificate lives there. */
  dataDir: string;
  /** Connections this run opens: what the server's fd ceiling must allow. */
  connections: number;
}

export interface ServerSpec {
  /** `select`, `epoll+tls`, `c-ref`, …: the name in tables, charts and JSON. */
  name: string;
  family: 'selectchat' | 'c';
  /** selectchat's backend (undefined for the C servers). */
  backend: string | undefined;
  transport: Transport;
  describe: string;
  command(context: ServerContext): string[];
}

export function selectchatHelp(): string {
  try {
    return execFileSync(process.execPath, [SERVER_MAIN, '--help'], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(`cannot run ${SERVER_MAIN} --help (npm run build?): ${String(error)}`);
  }
}

/** The text of one option in commander's help: its line and the indented lines after it. */
function optionHelp(help: string, flag: string): string | undefined {
  const lines = help.split('\n');
  const first = lines.findIndex((line) => new RegExp(`^\\s+(-\\w, )?${flag}\\b`).test(line));
  if (first < 0) return undefined;
  const rest = lines.slice(first + 1);
  const end = rest.findIndex((line) => /^\s+-/.test(line) || line.trim() === '');
  return [lines[first], ...rest.slice(0, end < 0 ? rest.length : end)].join(' ');
}

/**
 * The backends to run: those named in the `--backend` option's help (all known ones if it names
 * none), or just the built-in one when there is no `--backend` yet (then it is not passed).
 */
export function selectchatBackends(help: string): { names: string[]; flag: boolean } {
  const text = optionHelp(help, '--backend');
  if (text === undefined) return { names: ['select'], flag: false };
  const named = KNOWN_BACKENDS.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
  return { names: named.length > 0 ? named : [...KNOWN_BACKENDS], flag: true };
}

/**
 * Flags from selectchat's `--help`, when it has them: no flood limit (the bench measures the
 * room's fast path, not a limiter dropping or delaying lines).
 */
function selectchatSpec(help: string, backend: string, flag: boolean, tls: boolean): ServerSpec {
  const has = (option: string): boolean => optionHelp(help, option) !== undefined;
  const fixed = [
    '--log-level',
    'warn',
    ...(tls ? ['--port', 'off', '--tls-port', '0'] : ['--port', '0', '--tls-port', 'off']),
    ...(flag ? ['--backend', backend] : []),
    ...(has('--flood-rate') ? ['--flood-rate', '0'] : []),
  ];
  const maxFds = (connections: number): string[] =>
    backend === 'select' && has('--max-fds') && connections + FD_RESERVE > SELECT_DEFAULT_MAX_FDS
      ? ['--max-fds', String(connections + 1024)]
      : [];
  return {
    name: tls ? `${backend}+tls` : backend,
    family: 'selectchat',
    backend,
    transport: tls ? 'tls' : 'plain',
    describe: `node ${path.relative(process.cwd(), SERVER_MAIN)} ${fixed.join(' ')} --data-dir <tmp>`,
    command: (context) => [
      process.execPath,
      SERVER_MAIN,
      ...fixed,
      '--data-dir',
      context.dataDir,
      ...maxFds(context.connections),
    ],
  };
}

const C_SERVERS: ServerSpec[] = [
  {
    name: REFERENCE,
    family: 'c',
    backend: undefined,
    transport: 'plain',
    describe: 'bench/c/ref-server.c: select(), "MSG <fd> <text>"',
    command: (context) => [context.binaries.refServer, '--port', '0'],
  },
  {
    name: 'c-ref-format',
    family: 'c',
    backend: undefined,
    transport: 'plain',
    describe: 'bench/c/ref-server.c --format chat: selectchat\'s "<time> MSG <nick> :<text>"',
    command: (context) => [context.binaries.refServer, '--port', '0', '--format', 'chat'],
  },
];

/** Every server this checkout can run, the C references first, plain before TLS. */
export function serverSpecs(help: string): ServerSpec[] {
  const { names, flag } = selectchatBackends(help);
  return [
    ...C_SERVERS,
    ...names.map((name) => selectchatSpec(help, name, flag, false)),
    ...names.map((name) => selectchatSpec(help, name, flag, true)),
  ];
}

/** `command` under `taskset -c cpus` when pinned. */
export function pinned(command: string[], cpus: string | undefined): string[] {
  return cpus === undefined ? command : ['taskset', '-c', cpus, ...command];
}
