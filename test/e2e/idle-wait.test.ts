/**
 * An idle server with clients connected sleeps in its backend's one wait: pselect6 for select,
 * poll for poll, epoll_wait for epoll (each over our fds plus libuv's epoll fd), libuv's own
 * epoll_pwait for node; and it spends next to no CPU there. What the main thread is blocked in is
 * read from /proc/<pid>/syscall. The CPU bound is loose on purpose: it tells a blocked process
 * from a spinning one, not fast from slow.
 */
import fs from 'node:fs';

import { suiteBackend } from '../helpers/backends';
import { ChatClient } from '../helpers/chat-client';
import { startServer } from '../helpers/process';
import { eventually } from '../helpers/teardown';

/** System call numbers of each backend's wait, as libc may issue it (x86_64, arm64). */
const WAITS: Record<string, Record<string, number[]>> = {
  x64: { select: [23, 270], poll: [7, 271], epoll: [232, 281, 441], node: [232, 281, 441] },
  arm64: { select: [72], poll: [73], epoll: [22, 441], node: [22, 441] },
};

/** The system call the process's main thread is in, or undefined while it runs. */
function syscallOf(pid: number): number | undefined {
  const text = fs.readFileSync(`/proc/${pid}/syscall`, 'latin1');
  const nr = Number.parseInt(text, 10);
  return Number.isNaN(nr) ? undefined : nr;
}

/** User + system CPU time of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const waits = WAITS[process.arch];

const backend = suiteBackend();

(waits === undefined ? test.skip : test)(
  'idle with 20 clients: blocked in its one wait, at almost no CPU',
  async () => {
    const server = await startServer();
    await ChatClient.connectMany(20, server.port);
    const expected = waits?.[backend] ?? [];
    // Once the clients' JOINs are out, the process goes back to its wait and stays there.
    const blockedIn = await eventually(() => {
      const nr = syscallOf(server.pid);
      return nr !== undefined && expected.includes(nr) ? nr : undefined;
    });
    const before = cpuTicks(server.pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(cpuTicks(server.pid) - before).toBeLessThan(20); // a spinning loop: ~100 per second
    expect(syscallOf(server.pid)).toBe(blockedIn);
  },
);
