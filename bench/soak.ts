#!/usr/bin/env node
/**
 * `npm run soak`: a long run against one selectchat server, for what short tests cannot see
 * (slow leaks, drift, a rare loss). N clients (1 000 by default) stay connected for --minutes;
 * --rate numbered messages a second are said, round-robin by every client, and every client
 * checks that it receives every other client's messages once and in order. Every --every
 * seconds it prints the time, the clients connected, messages said, deliveries, lost and
 * out-of-order deliveries, and the server's RSS, open fds and CPU, from /proc. Not run in CI.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { SERVER_MAIN } from './paths';
import { startServer, type RunningServer } from './server-process';
import { table } from './stats';

interface SoakOptions {
  clients: number;
  minutes: number;
  rate: number;
  every: number;
  backend: string;
  /** Extra server flags, e.g. `--flood-rate 0`. */
  server: string;
}

function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function parseOptions(argv: string[]): SoakOptions {
  return new Command('soak')
    .description('Many clients for a long time against one selectchat server (not run in CI).')
    .option('--clients <n>', 'clients connected for the whole run', positive, 1000)
    .option('--minutes <n>', 'how long to run', positive, 10)
    .option('--rate <n>', 'messages said per second, over all clients', positive, 20)
    .option('--every <seconds>', 'seconds between reports', positive, 10)
    .option('--backend <name>', 'the server backend: select, poll, epoll or node', 'epoll')
    .option('--server <flags>', 'more flags for the server, e.g. "--flood-rate 0"', '')
    .parse(argv)
    .opts<SoakOptions>();
}

/** One client: says `soak <me> <k>` when told, checks what it receives from each other sender. */
class SoakClient {
  readonly socket: net.Socket;
  nick = '';
  said = 0;
  /** Per sender nick: the next number expected from it. */
  readonly #next = new Map<string, number>();
  #partial = '';

  constructor(
    port: number,
    localAddress: string,
    private readonly tally: Tally,
  ) {
    this.socket = net.connect({ port, host: '127.0.0.1', localAddress });
    this.socket.setEncoding('utf8').on('data', (text: string) => this.#onData(text));
    this.socket.on('error', () => undefined); // a close is counted by the report
  }

  say(): void {
    this.socket.write(`soak ${this.nick} ${this.said++}\n`);
    this.tally.said++;
  }

  #onData(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() as string;
    for (const line of lines) this.#onLine(line);
  }

  #onLine(line: string): void {
    const welcome = / WELCOME (\S+) :/.exec(line);
    if (welcome !== null) this.nick = welcome[1] as string;
    const msg = / MSG (\S+) :soak (\S+) (\d+)$/.exec(line);
    if (msg === null) return;
    const [, from, , number] = msg as unknown as [string, string, string, string];
    const k = Number(number);
    const expected = this.#next.get(from) ?? 0;
    this.tally.delivered++;
    if (k > expected) this.tally.lost += k - expected;
    if (k < expected) this.tally.outOfOrder++;
    this.#next.set(from, Math.max(expected, k + 1));
  }
}

interface Tally {
  said: number;
  delivered: number;
  lost: number;
  outOfOrder: number;
}

/** RSS (MiB), open fds and CPU seconds of a process, from /proc. */
function processStats(pid: number): { rssMiB: number; fds: number; cpuS: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    rssMiB: Math.round(Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]) / 1024),
    fds: fs.readdirSync(`/proc/${pid}/fd`).length,
    cpuS: (Number(fields[11]) + Number(fields[12])) / 100,
  };
}

async function connectAll(port: number, n: number, tally: Tally): Promise<SoakClient[]> {
  const clients: SoakClient[] = [];
  for (let i = 0; i < n; i++) {
    // Spread over 127.0.x.y, as the benchmark does, so ephemeral ports never run out.
    const address = `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
    clients.push(new SoakClient(port, address, tally));
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const deadline = Date.now() + 60_000;
  while (clients.some((c) => c.nick === '') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return clients;
}

async function soak(options: SoakOptions): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-soak-'));
  const flags = ['--port', '0', '--tls-port', 'off', '--data-dir', dataDir, '--log-level', 'warn'];
  const extra = options.server.split(' ').filter((f) => f !== '');
  const command = [process.execPath, SERVER_MAIN, ...flags, '--backend', options.backend, ...extra];
  const server: RunningServer = await startServer(command, false);
  const tally: Tally = { said: 0, delivered: 0, lost: 0, outOfOrder: 0 };
  const clients = await connectAll(server.port, options.clients, tally);
  const rows: string[][] = [];
  const header = [
    't (s)',
    'clients',
    'said',
    'deliveries',
    'lost',
    'out of order',
    'RSS MiB',
    'fds',
    'CPU s',
  ];
  const started = Date.now();
  const report = (): void => {
    const up = clients.filter((c) => !c.socket.destroyed).length;
    const p = processStats(server.pid);
    const t = String(Math.round((Date.now() - started) / 1000));
    const row = [t, String(up), String(tally.said), String(tally.delivered), String(tally.lost)];
    rows.push([
      ...row,
      String(tally.outOfOrder),
      String(p.rssMiB),
      String(p.fds),
      p.cpuS.toFixed(1),
    ]);
    process.stdout.write(`${table(header, rows.slice(-1))}\n`);
  };
  let turn = 0;
  const sayer = setInterval(
    () => (clients[turn++ % clients.length] as SoakClient).say(),
    1000 / options.rate,
  );
  const reporter = setInterval(report, options.every * 1000);
  await new Promise((resolve) => setTimeout(resolve, options.minutes * 60_000));
  clearInterval(sayer);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the last ones in flight
  clearInterval(reporter);
  report();
  // Every message said reaches every client, its sender included.
  const expected = tally.said * clients.length;
  process.stdout.write(
    `\n${table(header, rows)}\n\nexpected ${expected} deliveries, got ${tally.delivered}\n`,
  );
  for (const c of clients) c.socket.destroy();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return tally.lost === 0 && tally.outOfOrder === 0 && tally.delivered === expected ? 0 : 1;
}

void soak(parseOptions(process.argv)).then((code) => (process.exitCode = code));
