/**
 * N idle TCP connections on 127.0.0.1 for the loop benchmarks: this process
 * holds the server ends as raw, non-blocking fds numbered from the lowest
 * free fd up (as a server's clients would be), and a writer process
 * (loop-writer.ts) holds the client ends.
 *
 * Why a separate writer process: the point is to measure a loop that is
 * truly parked, blocked in select(), when the byte arrives. A write issued
 * from this process would by definition find the loop awake (we would be
 * running JS), and Node `net` client sockets here would put N more fds in
 * libuv's epoll and libuv's stream machinery between our timestamp and the
 * write(2). The writer stamps the time and writes with the addon's raw
 * fdWrite, so what is measured is exactly: write(2) in another process →
 * kernel wake-up of our select() → the park hook → the JS handler.
 *
 * There is no native connect, so the connections are made here with Node's
 * `net.connect` (to a native listener, accepted with `fdAccept`), handed to
 * the writer as inherited stdio fds, and then closed here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

import { addon } from '../src/native/addon';
import { isReadyMessage, type WriteRequest } from './loop-protocol';

/** Connections made (and accepted) per round. */
const CONNECT_CHUNK = 200;
const READY_TIMEOUT_MS = 30_000;

export interface Fixture {
  /** The server ends, watched by the benchmarks; socket i is `fds[i]`. */
  readonly fds: readonly number[];
  /** Ask the writer to stamp and write one sample to socket `index`. */
  request(index: number, seq: number, gapMs: number): void;
  /** Called when the writer process exits (normally only after close()). */
  onWriterExit(listener: (code: number | null) => void): void;
  /** Stop the writer and close every fd. */
  close(): Promise<void>;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Accept `count` connections: server fd by the peer's (the client's) port. */
async function acceptCount(listenFd: number, count: number): Promise<Map<number, number>> {
  const byPeerPort = new Map<number, number>();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (byPeerPort.size < count) {
    const accepted = addon.fdAccept(listenFd);
    if (typeof accepted !== 'number') {
      byPeerPort.set(accepted.port, accepted.fd);
    } else if (Date.now() > deadline) {
      throw new Error(`accept: ${byPeerPort.size} of ${count} connections (last: ${accepted})`);
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return byPeerPort;
}

/** Move fds down to the lowest free numbers (closing the originals), keeping their order. */
function compact(fds: readonly number[]): number[] {
  const result = [...fds];
  const lowestFirst = fds.map((_, i) => i).sort((a, b) => fds[a] - fds[b]);
  for (const i of lowestFirst) {
    const low = addon.fdDupAbove(fds[i], 0);
    if (low < 0) throw new Error(`dup of fd ${fds[i]} failed: ${low}`);
    addon.fdClose(low < fds[i] ? fds[i] : low);
    result[i] = Math.min(low, fds[i]);
  }
  return result;
}

function waitReady(writer: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('writer: not ready in time')),
      READY_TIMEOUT_MS,
    );
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`writer exited with ${code} before it was ready`));
    };
    writer.once('exit', onExit);
    writer.once('error', reject);
    writer.once('message', (message: unknown) => {
      clearTimeout(timer);
      writer.off('exit', onExit);
      writer.off('error', reject);
      if (isReadyMessage(message)) resolve();
      else reject(new Error(`writer: unexpected message ${JSON.stringify(message)}`));
    });
  });
}

export async function openFixture(count: number): Promise<Fixture> {
  const listenFd = addon.fdListen('127.0.0.1', 0, 1024);
  const clients: net.Socket[] = [];
  const serverByPort = new Map<number, number>();
  try {
    const { port } = addon.fdLocalAddress(listenFd);
    for (let done = 0; done < count; done += CONNECT_CHUNK) {
      const chunk = Math.min(CONNECT_CHUNK, count - done);
      const pending: Promise<net.Socket>[] = [];
      for (let i = 0; i < chunk; i++) pending.push(connect(port));
      clients.push(...(await Promise.all(pending)));
      for (const [peerPort, fd] of await acceptCount(listenFd, chunk)) {
        serverByPort.set(peerPort, fd);
      }
    }
  } catch (error) {
    for (const socket of clients) socket.destroy();
    for (const fd of serverByPort.values()) addon.fdClose(fd);
    throw error;
  } finally {
    addon.fdClose(listenFd);
  }
  // Socket i: the server end whose peer is client i.
  const paired = clients.map((socket) => serverByPort.get(socket.localPort ?? -1) ?? -1);
  if (paired.includes(-1)) {
    for (const socket of clients) socket.destroy();
    for (const fd of serverByPort.values()) addon.fdClose(fd);
    throw new Error('a client has no accepted server end');
  }

  // The writer inherits the client ends as fds 4, 5, ...; ours close at once
  // (uv_close closes the fd synchronously), which frees their numbers for
  // compact(): a server's clients take the lowest free fds.
  const writer = spawn(process.execPath, [path.join(__dirname, 'loop-writer.js'), String(count)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', ...clients],
  });
  for (const socket of clients) socket.destroy();
  const serverFds = compact(paired);

  const closeFds = (): void => {
    for (const fd of serverFds) addon.fdClose(fd);
  };
  try {
    await waitReady(writer);
  } catch (error) {
    writer.kill();
    closeFds();
    throw error;
  }

  return {
    fds: serverFds,
    request(index, seq, gapMs) {
      const message: WriteRequest = { type: 'write', index, seq, gapMs };
      writer.send(message);
    },
    onWriterExit(listener) {
      writer.on('exit', listener);
    },
    close() {
      return new Promise((resolve) => {
        const finish = (): void => {
          closeFds();
          resolve();
        };
        if (writer.exitCode !== null || writer.signalCode !== null) return finish();
        writer.once('exit', finish);
        writer.disconnect(); // the writer exits on 'disconnect'
      });
    },
  };
}
