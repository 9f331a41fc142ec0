/**
 * TlsChannel on real loopback TCP and the real loop, with a Node `tls` client as the peer: the
 * handshake comes first (onSecure once, or onFailure once with a reason), cleartext then flows
 * both ways, end() sends close_notify and FIN, and onClose comes once, last. The loop is closed
 * after each test, which throws if the channel left its fd's watcher open.
 */
import fs from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';

import type { EventLoop } from '../../src/loop/event-loop';
import { ioCounters } from '../../src/loop/stats';
import type { ChannelError } from '../../src/transport/channel';
import { serverContext, TlsChannel } from '../../src/transport/tls-channel';
import { collect, ended } from '../helpers/lines';
import { createLoop } from '../helpers/loop';
import { allowReset, tcpPair, type TcpPair } from '../helpers/tcp';
import { eventually, nextTurn, teardown } from '../helpers/teardown';
import { clientHello, makeCertificate } from '../helpers/tls';

/** A TlsChannel over an accepted fd, its TCP peer, and what its callbacks saw. */
class Harness {
  readonly channel: TlsChannel;
  readonly client: net.Socket;
  readonly cert: string;
  readonly secured: Promise<TlsChannel>;
  readonly failed: Promise<Error>;
  readonly closed: Promise<ChannelError | undefined>;
  readonly data: Buffer[] = [];
  readonly calls: string[] = [];
  #closed = (_error: ChannelError | undefined): void => undefined;

  constructor(loop: EventLoop, pair: TcpPair, timeoutMs: number) {
    const { cert, keyFile } = makeCertificate();
    this.cert = cert;
    this.client = pair.client;
    allowReset(pair.client);
    const context = serverContext(cert, fs.readFileSync(keyFile, 'utf8'));
    let secure = (_channel: TlsChannel): void => undefined;
    let fail = (_error: Error): void => undefined;
    this.secured = new Promise((resolve) => (secure = resolve));
    this.failed = new Promise((resolve) => (fail = resolve));
    this.closed = new Promise((resolve) => (this.#closed = resolve));
    const options = { context, handshakeTimeoutMs: timeoutMs };
    this.channel = new TlsChannel(loop, pair.server.release(), pair.peer, options, {
      onSecure: (channel) => {
        this.calls.push('secure');
        channel.attach({
          onData: (chunk) => void this.data.push(Buffer.from(chunk)),
          onEnd: () => void this.calls.push('end'),
          onClose: (error) => {
            this.calls.push('close');
            this.#closed(error);
          },
        });
        secure(channel);
      },
      onFailure: (error) => {
        this.calls.push('failure');
        fail(error);
        this.#closed(undefined);
      },
    });
  }

  /** A Node TLS client over the TCP peer, trusting the channel's certificate. */
  handshake(): Promise<tls.TLSSocket> {
    const socket = tls.connect({ socket: this.client, ca: this.cert, host: '127.0.0.1' });
    teardown(() => socket.destroy());
    return new Promise((resolve, reject) => {
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });
  }
}

/** A channel (handshake timeout `timeoutMs`) destroyed after the test, its close awaited. */
async function tlsPair(loop: EventLoop, timeoutMs = 5000): Promise<Harness> {
  const h = new Harness(loop, await tcpPair(), timeoutMs);
  teardown(async () => {
    h.channel.destroy();
    await h.closed;
  });
  return h;
}

/** Rejects if `promise` has not settled within `ms`: for what must happen at once. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('TlsChannel', () => {
  let loop: EventLoop;
  beforeEach(() => {
    loop = createLoop();
  });

  test('a handshake, cleartext both ways, then end(): close_notify, FIN, onClose once', async () => {
    const h = await tlsPair(loop);
    const client = await h.handshake();
    await h.secured;
    expect(h.channel.secure).toBe(true);
    expect(h.channel.description).toMatch(/^TLSv1\.3 TLS_\w+$/);

    client.write('hello, server\n');
    await eventually(() => (Buffer.concat(h.data).length === 14 ? true : undefined));
    expect(Buffer.concat(h.data).toString()).toBe('hello, server\n');

    const received = collect(client);
    h.channel.write(Buffer.from('hello, '));
    h.channel.write(Buffer.from('client\n'));
    h.channel.end();
    h.channel.write(Buffer.from('too late')); // ignored once ending
    expect((await received).toString()).toBe('hello, client\n');
    expect(await h.closed).toBeUndefined();
    await nextTurn();
    expect(h.calls).toEqual(['secure', 'close']);
  });

  test('a client that sends close_notify and FIN: onEnd, then the channel can still close', async () => {
    const h = await tlsPair(loop);
    const client = await h.handshake();
    await h.secured;
    client.end();
    await eventually(() => (h.calls.includes('end') ? true : undefined));
    h.channel.end();
    expect(await h.closed).toBeUndefined();
    expect(h.calls).toEqual(['secure', 'end', 'close']);
  });

  test('no ClientHello within the timeout: onFailure says so, and the fd is closed', async () => {
    const h = await tlsPair(loop, 100);
    const closedByServer = ended(h.client);
    const error = await h.failed;
    expect(error.message).toBe('handshake timed out after 100 ms');
    await closedByServer;
    expect(h.calls).toEqual(['failure']);
  });

  test('garbage instead of a ClientHello: onFailure with OpenSSL reason, at once', async () => {
    const h = await tlsPair(loop);
    h.client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const error = await within(h.failed, 2000, 'onFailure');
    expect(error.message).toMatch(/^[a-z ]+ \(ERR_SSL_[A-Z_]+\)$/);
    expect(h.calls).toEqual(['failure']);
  });

  // The TLSSocket inherits allowHalfOpen from the FdDuplex, so a FIN during the handshake must be
  // caught on the duplex, or the channel would wait for the handshake timeout.
  test('a FIN during the handshake fails it at once', async () => {
    const h = await tlsPair(loop);
    const hello = await clientHello();
    h.client.end(hello.subarray(0, 100));
    const error = await within(h.failed, 1000, 'onFailure');
    expect(error.message).toBe('the client closed the connection during the handshake');
  });

  // Node passes the wrapped stream's errors (the FdDuplex's ECONNRESET) to the TLSSocket only as an
  // internal event, so the channel takes them from the duplex itself.
  test('a reset during the handshake is reported as a reset', async () => {
    const h = await tlsPair(loop);
    const hello = await clientHello();
    await new Promise((resolve) => h.client.write(hello.subarray(0, 100), resolve));
    h.client.resetAndDestroy();
    const error = await within(h.failed, 2000, 'onFailure');
    expect(error.message).toBe('the client reset the connection during the handshake');
  });

  // The sendq is judged on an immediate after the turn, when the turn's writes have been tried
  // (Connection.judgeSendq): as for a plain socket, what counts is what the kernel has not taken.
  // The cleartext TLS has encrypted counts once, as ciphertext, even while its write waits for
  // the fd to drain, and ciphertext waiting behind the fd's queue counts too.
  test('queuedBytes after each burst: the ciphertext the kernel has not taken, and no more', async () => {
    const h = await tlsPair(loop);
    const client = await h.handshake();
    await h.secured;
    let received = 0;
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    client.pause(); // the kernel takes a few MB, then refuses
    const outBefore = ioCounters.bytesOut;
    const seen: { counted: number; out: number; written: number }[] = [];
    let written = 0;
    for (let burst = 0; burst < 4; burst++) {
      for (let i = 0; i < 2000; i++) {
        const line = Buffer.from(`${burst} ${i} ${'q'.repeat(1000)}\n`);
        h.channel.write(line);
        written += line.length;
      }
      await nextTurn(); // where judgeSendq runs
      seen.push({ counted: h.channel.queuedBytes, out: ioCounters.bytesOut - outBefore, written });
    }
    client.resume();
    await eventually(() => (received >= written ? true : undefined));
    const cipherPerByte = (ioCounters.bytesOut - outBefore) / written;
    const unsent = seen.map(({ out, written }) => Math.round(written * cipherPerByte) - out);
    expect(Math.max(...unsent)).toBeGreaterThan(1 << 20); // not vacuous: the kernel refused MBs
    seen.forEach(({ counted }, i) => {
      // TLS adds ~0.1 %: cleartext waiting is counted as itself, the rest as ciphertext.
      expect(Math.abs(counted - (unsent[i] as number))).toBeLessThan(0.01 * written + 1024);
    });
  });

  // After the handshake too, a reset reaches onClose as ECONNRESET, as FdSocket's does, so the room
  // says "connection reset by peer" for TLS and plain clients alike.
  test('a reset after the handshake reaches onClose as ECONNRESET', async () => {
    const h = await tlsPair(loop);
    await h.handshake();
    await h.secured;
    h.client.resetAndDestroy();
    expect(await h.closed).toMatchObject({ code: 'ECONNRESET' });
  });
});
