/**
 * The server's log: one line per event. JSON lines (pino) for machines, or
 * coloured human-readable lines when stdout is a terminal.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel): Logger {
  const options = { level, base: undefined };
  if (process.stdout.isTTY) {
    return pino(options, pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' }));
  }
  // Synchronous: a line logged just before exit is never lost.
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

/**
 * Log a line that tools and users rely on (`listening on HOST:PORT`) at
 * `info` even when the level is quieter; only `silent` silences it.
 */
export function announce(log: Logger, message: string): void {
  const level = log.level === 'silent' ? 'silent' : 'info';
  log.child({}, { level }).info(message);
}
