/** The command line of `selectchat-bench` (`npm run bench`): every option, its default, its check. */
import os from 'node:os';

import { Command, InvalidArgumentError, Option } from 'commander';

/**
 * Where the server and the load generator run:
 * - `split` ("pinned apart"): generator on CPU 0, server on the last CPU: deliveries/s;
 * - `same` ("server-bound"): both on one CPU, so the server's CPU time per delivery is the honest
 *   figure (a server that is not saturated cannot hide behind bigger batches);
 * - `none`: wherever the OS puts them (what a user gets).
 */
export const PINS = ['split', 'same', 'none'] as const;
export type Pin = (typeof PINS)[number];

export const TRANSPORTS = ['plain', 'tls'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const EXPERIMENTS = ['fanout', 'idle'] as const;
export type Experiment = (typeof EXPERIMENTS)[number];

export interface BenchSettings {
  quick: boolean;
  experiments: Experiment[];
  /** Server names to run (undefined: every one available). */
  servers: string[] | undefined;
  transports: Transport[];
  clients: number[];
  pins: Pin[];
  /** Placements of the TLS runs (a subset of the plain ones keeps the run short). */
  tlsPins: Pin[];
  reps: number;
  senders: number;
  window: number;
  size: number;
  warmupMs: number;
  durationMs: number;
  drainMs: number;
  /** Idle-connection experiment: numbers of idle connections, active clients, placement. */
  idle: number[];
  idleActive: number;
  idlePin: Pin;
  /** Where the JSON and charts go (undefined: bench/results/<time>/). */
  out: string | undefined;
  /** Only redraw the charts (and table) of a saved results JSON. */
  chartsFrom: string | undefined;
  /** Print the plan and its estimate, run nothing. */
  dryRun: boolean;
}

export interface Placement {
  server: string | undefined; // taskset CPU list, undefined: not pinned
  loadgen: string | undefined;
}

export function placement(pin: Pin, cpus = os.cpus().length): Placement {
  const last = String(Math.max(cpus - 1, 0));
  if (pin === 'same') return { server: last, loadgen: last };
  if (pin === 'split') return { server: last, loadgen: '0' };
  return { server: undefined, loadgen: undefined };
}

function positive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
    }
    return value as T;
  };
}

/** A comma-separated list, each item checked by `parse`; duplicates dropped, order kept. */
function list<T>(parse: (item: string) => T): (value: string) => T[] {
  return (value) => [...new Set(value.split(',').map((item) => parse(item.trim())))];
}

const HELP_AFTER = `
Servers (each started fresh, in its own process, per run):
  select, poll, epoll, node   selectchat with --backend <name> (those its --help offers)
  c-ref                       bench/c/ref-server.c: a minimal C select() server, the floor
  c-ref-format                the same C server emitting selectchat's timestamped lines

Experiments:
  fanout  N clients, S senders, W messages in flight; every message reaches every client
  idle    a few active clients whispering to themselves beside N idle connections:
          server CPU per event vs N (libevent's bench.c, as a chat)

Examples:
  npm run bench                                  the full run (prints its estimate first)
  npm run bench -- --quick                       well under a minute
  npm run bench -- --clients 1000,5000,10000 --servers epoll,poll,node --experiments fanout
  npm run bench -- --charts-from bench/results/<time>/results.json --out docs/bench

bench/README.md explains every figure.`;

interface RawOptions {
  quick?: boolean;
  experiments?: Experiment[];
  servers?: string[];
  transports?: Transport[];
  clients?: number[];
  pin?: Pin[];
  tlsPin?: Pin[];
  reps?: number;
  senders: number;
  window: number;
  size: number;
  warmup?: number;
  duration?: number;
  idle?: number[];
  idleActive: number;
  idlePin: Pin;
  out?: string;
  chartsFrom?: string;
  dryRun?: boolean;
}

export function buildCommand(): Command {
  return new Command('selectchat-bench')
    .description(
      'Benchmark selectchat against a C select() server: deliveries/s, latency, CPU, memory, ' +
        'every delivery checked; plain and TLS; idle-connection cost per backend.',
    )
    .option(
      '--quick',
      'a short try-out (well under a minute): N = 10,100 pinned apart, 1 rep, short runs',
    )
    .option('--experiments <list>', 'fanout, idle (default both)', list(oneOf(EXPERIMENTS)))
    .option('--servers <list>', 'servers to run (default: all available, see below)', list(String))
    .option('--transports <list>', 'plain, tls (default both)', list(oneOf(TRANSPORTS)))
    .option(
      '--clients <list>',
      'fan-out: numbers of clients N (default 10,100,500,1000)',
      list(positive),
    )
    .option(
      '--pin <list>',
      `fan-out placements: ${PINS.join(', ')} (default split,same; quick split)`,
      list(oneOf(PINS)),
    )
    .option('--tls-pin <list>', 'placements of the TLS runs (default split)', list(oneOf(PINS)))
    .option('--reps <n>', 'measured repetitions of each run (default 3; quick 1)', positive)
    .option('--senders <n>', 'fan-out: clients that send (S)', positive, 10)
    .option('--window <n>', 'fan-out: messages in flight over all senders (W)', positive, 64)
    .option('--size <bytes>', 'bytes of message text', positive, 32)
    .option('--warmup <ms>', 'uncounted warm-up of each run (default 500; quick 200)', positive)
    .option('--duration <ms>', 'measured window of each run (default 1200; quick 400)', positive)
    .option(
      '--idle <list>',
      'idle experiment: idle connections (default 10,100,1000,5000)',
      list(positive),
    )
    .option(
      '--idle-active <n>',
      'idle experiment: active clients, one whisper each in flight',
      positive,
      5,
    )
    .addOption(
      new Option('--idle-pin <pin>', 'idle experiment: placement').choices(PINS).default('split'),
    )
    .option(
      '--out <dir>',
      'directory for results.json and the charts (default bench/results/<time>)',
    )
    .option(
      '--charts-from <json>',
      'run nothing: print the tables and redraw the charts of a results.json',
    )
    .option('--dry-run', 'print what would run and about how long it takes; run nothing')
    .addHelpText('after', HELP_AFTER);
}

/**
 * The user's arguments (no `node script` in front). Bad input and `--help` throw commander's
 * error (with its exit code) after printing, unless `quiet`.
 */
export function parseSettings(args: readonly string[], quiet = false): BenchSettings {
  const command = buildCommand().exitOverride();
  if (quiet) command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  const raw = command.parse([...args], { from: 'user' }).opts<RawOptions>();
  const quick = raw.quick === true;
  return {
    quick,
    experiments: raw.experiments ?? [...EXPERIMENTS],
    servers: raw.servers,
    transports: raw.transports ?? [...TRANSPORTS],
    clients: raw.clients ?? (quick ? [10, 100] : [10, 100, 500, 1000]),
    pins: raw.pin ?? (quick ? ['split'] : ['split', 'same']),
    tlsPins: raw.tlsPin ?? ['split'],
    reps: raw.reps ?? (quick ? 1 : 3),
    senders: raw.senders,
    window: raw.window,
    size: raw.size,
    warmupMs: raw.warmup ?? (quick ? 200 : 500),
    durationMs: raw.duration ?? (quick ? 400 : 1200),
    drainMs: 2000,
    idle: raw.idle ?? (quick ? [10, 1000] : [10, 100, 1000, 5000]),
    idleActive: raw.idleActive,
    idlePin: raw.idlePin,
    out: raw.out,
    chartsFrom: raw.chartsFrom,
    dryRun: raw.dryRun === true,
  };
}
