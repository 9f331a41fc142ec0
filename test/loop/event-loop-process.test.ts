/**
 * What the loop does to the process as a whole, run in child processes so that jest's own is
 * left alone: a throwing handler is an uncaught exception like any other, and the loop keeps the
 * process alive exactly while something is watched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { readLine } from '../helpers/lines';
import { suiteBackend } from '../helpers/backends';
import { distModule, runScript, spawnScript } from '../helpers/process';
import { allowReset, connect } from '../helpers/tcp';
import { teardown } from '../helpers/teardown';

/** The start of a child script: the compiled loop and addon, and a native listener. */
function prelude(): string {
  return `
    const net = require('node:net');
    const { EventLoop, READABLE } = require(${JSON.stringify(distModule('src/loop/event-loop'))});
    const { addon } = require(${JSON.stringify(distModule('src/native/addon'))});
    const loop = new EventLoop({ backend: ${JSON.stringify(suiteBackend())} });
    const listenFd = addon.fdListen('127.0.0.1', 0, 16);
    const port = addon.fdLocalAddress(listenFd).port;
  `;
}

test('a handler that throws surfaces as an uncaught exception and ends the process', async () => {
  const result = await runScript(`${prelude()}
    loop.watch(listenFd, () => { throw new Error('boom from a handler'); }).start(READABLE);
    net.connect(port, '127.0.0.1').on('error', () => {});
  `);
  expect(result.stderr).toContain('Error: boom from a handler');
  expect(result.stderr).toMatch(/at .*\[eval\]/); // the handler's own stack, not a native one
  expect(result).toMatchObject({ code: 1, signal: null });
});

test('an uncaughtException listener sees the error and the loop keeps dispatching', async () => {
  const result = await runScript(`${prelude()}
    process.on('uncaughtException', (error) => console.log('caught: ' + error.message));
    let thrown = false;
    const client = net.connect(port, '127.0.0.1');
    const watcher = loop.watch(listenFd, () => {
      if (!thrown) {
        thrown = true;
        throw new Error('boom once');
      }
      const accepted = addon.fdAccept(listenFd);
      console.log('dispatched again, accepted: ' + (typeof accepted === 'object'));
      addon.fdClose(accepted.fd);
      watcher.close();
      addon.fdClose(listenFd);
      client.destroy();
    });
    watcher.start(READABLE);
  `);
  expect(result.stdout).toBe('caught: boom once\ndispatched again, accepted: true\n');
  expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
});

test('a watched fd keeps the process alive; with nothing watched it exits by itself', async () => {
  const result = await runScript(`${prelude()}
    const watcher = loop.watch(listenFd, () => {});
    watcher.start(READABLE);
    // An unref'd timer cannot keep the process alive: only the watcher can.
    setTimeout(() => {
      console.log('alive while watched: ' + loop.activeCount);
      watcher.close();
      addon.fdClose(listenFd);
      // No loop.close(): a loop with nothing watched must not hold the process either.
    }, 100).unref();
  `);
  expect(result.stdout).toBe('alive while watched: 1\n');
  expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
});

test('a stopped (not closed) watcher does not hold the process', async () => {
  const result = await runScript(`${prelude()}
    const watcher = loop.watch(listenFd, () => {});
    watcher.start(READABLE);
    watcher.stop();
    process.on('exit', () => console.log('exiting with ' + loop.activeCount + ' active'));
  `);
  expect(result.stdout).toBe('exiting with 0 active\n');
  expect(result).toMatchObject({ code: 0, signal: null });
});

// uv_backend_timeout() is 0 while libuv has watcher changes queued (libuv src/unix/core.c); libuv
// then blocks in its own epoll_pwait() with the real timeout, where our fds are not watched, so
// the park must look again on the next iteration instead of letting libuv sleep without them.
test('the parked loop hears its fds right after libuv starts a watcher', async () => {
  const script = spawnScript(`${prelude()}
    let server;
    const guard = setTimeout(() => {
      console.log('deaf until a timer fired');
      process.exit(2);
    }, 3000);
    const watcher = loop.watch(listenFd, () => {
      addon.fdClose(addon.fdAccept(listenFd).fd);
      console.log('woken');
      watcher.close();
      addon.fdClose(listenFd);
      server.close();
      clearTimeout(guard);
    });
    watcher.start(READABLE);
    setTimeout(() => {
      // Any new libuv watcher will do (a socket, a pipe, a child): it is queued, not polled.
      server = net.createServer().listen(0, '127.0.0.1');
      console.log('port ' + port);
    }, 100);
  `);
  const line = await readLine(script.child.stdout);
  const port = Number(/^port (\d+)$/.exec(line)?.[1]);
  // Give the child time to block; connecting earlier could reach it before it does.
  await new Promise((resolve) => setTimeout(resolve, 200));
  allowReset(await connect(port)); // the child exits without reading it
  const result = await script.finished;
  expect(result.stdout).toBe(`${line}\nwoken\n`);
  expect(result.code).toBe(0);
});

// A handler that closes the last watcher (which stops the park) and then watches a new fd (which
// starts it again) runs inside the park's own wait: the restart must keep libuv from blocking in
// its poll without our fds, or the new fd goes unheard until an unrelated wake-up (here: never).
test('a park stopped and restarted within one batch keeps hearing its fds', async () => {
  const script = spawnScript(`${prelude()}
    const buffer = Buffer.alloc(64);
    const watcher = loop.watch(listenFd, () => {
      const fd = addon.fdAccept(listenFd).fd;
      watcher.close(); // nothing is watched now: the park stops
      addon.fdClose(listenFd);
      const echo = loop.watch(fd, () => {
        const n = addon.fdRead(fd, buffer, 0, buffer.length);
        if (n > 0) addon.fdWrite(fd, buffer, 0, n);
        echo.close();
        addon.fdClose(fd);
      });
      echo.start(READABLE); // and starts again
    });
    watcher.start(READABLE);
    console.log('port ' + port);
  `);
  const port = Number(/^port (\d+)$/.exec(await readLine(script.child.stdout))?.[1]);
  const client = await connect(port);
  // Wait until the child has accepted (and so restarted its park) before writing.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const echoed = new Promise((resolve) => client.once('data', resolve));
  client.write('x');
  expect(String(await echoed)).toBe('x');
  client.end();
  expect((await script.finished).code).toBe(0);
});

// A signal that libuv does not handle (the CPU profiler's SIGPROF, every 100 µs here) cuts
// select() short with EINTR. The park must then look again at once: if it let libuv block in its
// own epoll_wait, where our fds are not, the loop would stay deaf (here: for ever).
test('the parked loop keeps hearing its fds while signals interrupt its waits', async () => {
  const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-prof-'));
  teardown(() => fs.rmSync(profiles, { recursive: true, force: true }));
  const profiler = ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profiles];
  const script = spawnScript(
    `${prelude()}
    const buffer = Buffer.alloc(64);
    let echoes = 0;
    const watcher = loop.watch(listenFd, () => {
      const fd = addon.fdAccept(listenFd).fd;
      watcher.close();
      addon.fdClose(listenFd);
      const echo = loop.watch(fd, () => {
        const n = addon.fdRead(fd, buffer, 0, buffer.length);
        if (n > 0) addon.fdWrite(fd, buffer, 0, n);
        if (n <= 0 || ++echoes === 200) {
          echo.close();
          addon.fdClose(fd);
        }
      });
      echo.start(READABLE);
    });
    watcher.start(READABLE);
    console.log('port ' + port);
  `,
    profiler,
  );
  const port = Number(/^port (\d+)$/.exec(await readLine(script.child.stdout))?.[1]);
  const client = await connect(port);
  for (let i = 0; i < 200; i++) {
    const echoed = new Promise((resolve) => client.once('data', resolve));
    client.write('x');
    expect(String(await echoed)).toBe('x');
  }
  client.end();
  expect((await script.finished).code).toBe(0);
});
