/** One run: a fresh server, the C load generator against it, the generator's JSON line. */
import { spawn } from 'node:child_process';

import type { Binaries } from './build-c';
import { parseLoadgen, type RunMetrics } from './loadgen-json';
import {
  placement,
  type BenchSettings,
  type Experiment,
  type Pin,
  type Transport,
} from './options';
import { openFileLimit, startServer } from './server-process';
import { FD_RESERVE, pinned, type ServerSpec } from './servers';

export interface RunPlan {
  experiment: Experiment;
  spec: ServerSpec;
  pin: Pin;
  /** Clients that chat: N in the fan-out, the active ones in the idle experiment. */
  clients: number;
  /** Idle connections beside them (idle experiment; 0 in the fan-out). */
  idle: number;
  rep: number; // -1: the uncounted warm-up
}

export interface RunResult {
  experiment: Experiment;
  server: string;
  transport: Transport;
  clients: number;
  idle: number;
  pin: Pin;
  rep: number;
  wallS: number;
  metrics?: RunMetrics;
  error?: string;
}

export function loadgenArgs(
  run: RunPlan,
  settings: BenchSettings,
  port: number,
  pid: number,
): string[] {
  const idle = run.experiment === 'idle';
  const senders = idle ? run.clients : Math.min(settings.senders, run.clients);
  const args = {
    '--port': port,
    '--clients': run.clients,
    '--senders': senders,
    // Idle: one whisper in flight per active client, so most events are a wake-up of their own.
    '--window': idle ? senders : Math.max(settings.window, senders),
    '--size': settings.size,
    '--echo': 1, // selectchat sends MSG to the sender too; so does ref-server
    '--idle': run.idle,
    '--whisper': idle ? 1 : 0,
    '--tls': run.spec.transport === 'tls' ? 1 : 0,
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

/** A server that cannot hold this run's connections fails it up front, saying why. */
function checkFdLimit(pid: number, connections: number): void {
  const limit = openFileLimit(pid);
  if (limit !== undefined && limit < connections + FD_RESERVE) {
    throw new Error(
      `the server's RLIMIT_NOFILE is ${limit}, too low for ${connections} connections: ` +
        `raise the hard limit (ulimit -Hn, /etc/security/limits.conf) to at least ` +
        `${connections + FD_RESERVE}`,
    );
  }
}

export async function runOnce(
  run: RunPlan,
  settings: BenchSettings,
  binaries: Binaries,
  dataDir: string,
): Promise<RunResult> {
  const started = process.hrtime.bigint();
  const cpus = placement(run.pin);
  const { spec, experiment, clients, idle, pin, rep } = run;
  const result: RunResult = {
    ...{ experiment, server: spec.name, transport: spec.transport, clients, idle, pin, rep },
    wallS: 0,
  };
  try {
    const connections = clients + idle;
    const command = spec.command({ binaries, dataDir, connections });
    const server = await startServer(pinned(command, cpus.server), spec.transport === 'tls');
    try {
      checkFdLimit(server.pid, connections);
      const args = loadgenArgs(run, settings, server.port, server.pid);
      const line = await runLoadgen(pinned([binaries.loadgen, ...args], cpus.loadgen));
      result.metrics = parseLoadgen(line);
    } catch (error) {
      const tail = server.output().trim().split('\n').slice(-5).join('\n');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`.trim());
    } finally {
      await server.stop();
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.wallS = Number(process.hrtime.bigint() - started) / 1e9;
  return result;
}
