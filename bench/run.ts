/** One run of the fan-out benchmark: a fresh server, the C load generator, its JSON line. */
import { spawn } from 'node:child_process';

import type { Binaries } from './fanout-build';
import { placement, type FanoutSettings, type Pin } from './fanout-options';
import { pinned, startServer, type ServerSpec } from './fanout-server';

/** What one run measured: the generator's JSON, and figures derived from it. */
export interface RunMetrics {
  connectS: number;
  windowS: number;
  messagesPerS: number;
  deliveriesPerS: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  lost: number;
  duplicated: number;
  outOfOrder: number;
  badLines: number;
  serverCpuS: number;
  /** Server CPU time over the window, % of one CPU. */
  serverCpuPct: number;
  /** Server CPU time per delivery: the honest figure when server-bound. */
  serverNsPerDelivery: number;
  serverPeakRssKb: number;
  loadgenCpuS: number;
  loadgenCpuPct: number;
  /** Deliveries the generator handles per CPU-second of its own: its capacity. */
  loadgenDeliveriesPerCpuS: number;
  loadgenSyscallsPerDelivery: number;
  /** Everyone else on the machine (other processes, unattributed kernel work), % of one CPU. */
  othersCpuPct: number;
  cpuBusyPct: number[];
  stealPct: number;
}

export interface RunResult {
  server: string;
  clients: number;
  pin: Pin;
  rep: number; // -1: the uncounted warm-up
  wallS: number;
  metrics?: RunMetrics;
  error?: string;
}

type Json = Record<string, unknown>;

function num(obj: Json, key: string): number {
  const value = obj[key];
  if (typeof value !== 'number') throw new Error(`loadgen JSON: ${key} is not a number`);
  return value;
}

function sub(obj: Json, key: string): Json {
  const value = obj[key];
  if (typeof value !== 'object' || value === null) throw new Error(`loadgen JSON: no ${key}`);
  return value as Json;
}

export function parseLoadgen(line: string): RunMetrics {
  const raw: unknown = JSON.parse(line);
  if (typeof raw !== 'object' || raw === null) throw new Error('loadgen JSON: not an object');
  const o = raw as Json;
  const latency = sub(o, 'latency_us');
  const calls = sub(o, 'loadgen_syscalls');
  const busy = o.cpu_busy_pct;
  const windowS = num(o, 'window_s');
  const deliveries = num(o, 'deliveries');
  const serverCpuS = num(o, 'server_cpu_s');
  const loadgenCpuS = num(o, 'loadgen_cpu_s');
  const syscalls = num(calls, 'reads') + num(calls, 'writes') + num(calls, 'waits');
  const pct = (seconds: number): number => (100 * seconds) / windowS;
  return {
    connectS: num(o, 'connect_s'),
    windowS,
    messagesPerS: num(o, 'messages_per_s'),
    deliveriesPerS: num(o, 'deliveries_per_s'),
    latencyUs: {
      p50: num(latency, 'p50'),
      p90: num(latency, 'p90'),
      p99: num(latency, 'p99'),
      max: num(latency, 'max'),
      mean: num(latency, 'mean'),
    },
    lost: num(o, 'lost'),
    duplicated: num(o, 'duplicated'),
    outOfOrder: num(o, 'out_of_order'),
    badLines: num(o, 'bad_lines'),
    serverCpuS,
    serverCpuPct: pct(serverCpuS),
    serverNsPerDelivery: deliveries > 0 ? (1e9 * serverCpuS) / deliveries : Number.NaN,
    serverPeakRssKb: num(o, 'server_peak_rss_kb'),
    loadgenCpuS,
    loadgenCpuPct: pct(loadgenCpuS),
    loadgenDeliveriesPerCpuS: loadgenCpuS > 0 ? deliveries / loadgenCpuS : Number.NaN,
    loadgenSyscallsPerDelivery: deliveries > 0 ? syscalls / deliveries : Number.NaN,
    othersCpuPct: pct(num(o, 'machine_busy_cpu_s') - serverCpuS - loadgenCpuS),
    cpuBusyPct: Array.isArray(busy) ? busy.filter((v) => typeof v === 'number') : [],
    stealPct: num(o, 'steal_pct'),
  };
}

function loadgenArgs(settings: FanoutSettings, clients: number, port: number, pid: number) {
  const args = {
    '--port': port,
    '--clients': clients,
    '--senders': Math.min(settings.senders, clients),
    '--window': Math.max(settings.window, Math.min(settings.senders, clients)),
    '--size': settings.size,
    '--echo': 1, // selectchat sends MSG to the sender too; so does ref-server
    '--warmup-ms': settings.warmupMs,
    '--duration-ms': settings.durationMs,
    '--drain-ms': settings.drainMs,
    '--pid': pid,
  };
  return Object.entries(args).flatMap(([flag, value]) => [flag, String(value)]);
}

/** Runs the generator to the end; its last stdout line is the JSON. */
function runLoadgen(command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(last);
      else reject(new Error(`loadgen exited with ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}

export async function runOnce(
  spec: ServerSpec,
  binaries: Binaries,
  settings: FanoutSettings,
  clients: number,
  pin: Pin,
  rep: number,
): Promise<RunResult> {
  const started = process.hrtime.bigint();
  const cpus = placement(pin);
  const result: RunResult = { server: spec.name, clients, pin, rep, wallS: 0 };
  try {
    const server = await startServer(pinned(spec.command(binaries), cpus.server));
    try {
      const args = loadgenArgs(settings, clients, server.port, server.pid);
      const line = await runLoadgen(pinned([binaries.loadgen, ...args], cpus.loadgen));
      result.metrics = parseLoadgen(line);
    } catch (error) {
      const tail = server.output().trim().split('\n').slice(-5).join('\n');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`);
    } finally {
      await server.stop();
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.wallS = Number(process.hrtime.bigint() - started) / 1e9;
  return result;
}
