/** Command line of `npm run bench` (bench/fanout.ts). */
import os from 'node:os';

import { Command, InvalidArgumentError } from 'commander';

/**
 * Where the server and the load generator run:
 * - `none`: wherever the OS puts them (what a user gets);
 * - `same`: both on one CPU, so the server's CPU time per delivery is the honest figure
 *   ("server-bound": a server that is not saturated cannot hide behind bigger batches);
 * - `split`: generator on CPU 0, server on the last CPU (apart; deliveries/s).
 */
export const PINS = ['none', 'same', 'split'] as const;
export type Pin = (typeof PINS)[number];

export interface FanoutSettings {
  quick: boolean;
  clients: number[];
  pins: Pin[];
  servers: string[];
  reps: number;
  senders: number;
  window: number;
  size: number;
  warmupMs: number;
  durationMs: number;
  drainMs: number;
}

export interface Placement {
  server: string | undefined; // taskset CPU list, undefined: not pinned
  loadgen: string | undefined;
}

export function placement(pin: Pin): Placement {
  const last = String(Math.max(os.cpus().length - 1, 0));
  if (pin === 'same') return { server: last, loadgen: last };
  if (pin === 'split') return { server: last, loadgen: '0' };
  return { server: undefined, loadgen: undefined };
}

function positive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function list<T>(parse: (item: string) => T): (value: string) => T[] {
  return (value) => value.split(',').map((item) => parse(item.trim()));
}

function parsePin(value: string): Pin {
  if (!(PINS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be ${PINS.join(', ')} or a comma-separated list`);
  }
  return value as Pin;
}

interface RawOptions {
  quick?: boolean;
  clients?: number[];
  pin?: Pin[];
  servers: string[];
  reps?: number;
  senders: number;
  window: number;
  size: number;
  warmup?: number;
  duration?: number;
}

export function parseSettings(argv: string[], serverNames: readonly string[]): FanoutSettings {
  const raw = new Command('fanout')
    .description('Fan-out benchmark: selectchat against a C select() reference (bench/README.md)')
    .option('--quick', 'a short run (~30 s): N = 10,100, shorter windows')
    .option('--clients <list>', 'numbers of clients N (default 10,100,500)', list(positive))
    .option('--pin <list>', `placements: ${PINS.join(', ')} (default none,same)`, list(parsePin))
    .option('--servers <list>', 'servers to run', list(String), [...serverNames])
    .option('--reps <n>', 'measured repetitions per server and N (default 3)', positive)
    .option('--senders <n>', 'clients that send (S)', positive, 10)
    .option('--window <n>', 'messages in flight over all senders (W)', positive, 64)
    .option('--size <bytes>', 'bytes of message text', positive, 32)
    .option('--warmup <ms>', 'uncounted warm-up of each run (default 500; quick 200)', positive)
    .option('--duration <ms>', 'measured window of each run (default 1500; quick 400)', positive)
    .parse(argv)
    .opts<RawOptions>();
  const unknown = raw.servers.filter((name) => !serverNames.includes(name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown server ${unknown.join(', ')}: ${serverNames.join(', ')}`,
    );
  }
  const quick = raw.quick === true;
  return {
    quick,
    clients: raw.clients ?? (quick ? [10, 100] : [10, 100, 500]),
    pins: raw.pin ?? ['none', 'same'],
    servers: raw.servers,
    reps: raw.reps ?? 3,
    senders: raw.senders,
    window: raw.window,
    size: raw.size,
    warmupMs: raw.warmup ?? (quick ? 200 : 500),
    durationMs: raw.duration ?? (quick ? 400 : 1500),
    drainMs: 2000,
  };
}
