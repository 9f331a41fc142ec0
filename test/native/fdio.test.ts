/**
 * The addon's socket primitives on real loopback TCP: results tell data, would-block and EOF
 * apart as numbers; failures become coded errors; bad arguments throw, never crash.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';

import { addon } from '../../src/native/addon';
import { EAGAIN, errnoError, errnoOf } from '../../src/native/errno';
import { listenFd, OwnedFd } from '../helpers/fds';
import { collect } from '../helpers/lines';
import { readWhenReady, tcpPair } from '../helpers/tcp';
import { thrownBy } from '../helpers/errors';
import { eventually } from '../helpers/teardown';

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** Patterned bytes, so that a lost, repeated or reordered chunk changes the checksum. */
function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** What is left of `buffers` once their first `skip` bytes are written. */
function remainder(buffers: readonly Buffer[], skip: number): Buffer[] {
  const parts: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) skip -= buffer.length;
    else {
      parts.push(buffer.subarray(skip));
      skip = 0;
    }
  }
  return parts;
}

describe('fdRead', () => {
  test('returns -EAGAIN as a number when nothing is there, then the bytes sent', async () => {
    const { server, client } = await tcpPair();
    const buffer = Buffer.alloc(64);
    expect(EAGAIN).toBe(errnoOf('EAGAIN'));
    expect(addon.fdRead(server.fd, buffer, 0, buffer.length)).toBe(EAGAIN);

    client.write('hello');
    const n = await readWhenReady(server.fd, buffer);
    expect(buffer.subarray(0, n).toString()).toBe('hello');
  });

  test('reads into the given range of the buffer only', async () => {
    const { server, client } = await tcpPair();
    const buffer = Buffer.alloc(8, '.');
    client.write('abcdef');
    const n = await eventually(() => {
      const ret = addon.fdRead(server.fd, buffer, 2, 3);
      return ret === EAGAIN ? undefined : ret;
    });
    expect(n).toBe(3);
    expect(buffer.toString()).toBe('..abc...');
  });

  test('returns 0 at EOF, after the last bytes', async () => {
    const { server, client } = await tcpPair();
    client.end('last');
    const buffer = Buffer.alloc(64);
    const n = await readWhenReady(server.fd, buffer);
    expect(buffer.subarray(0, n).toString()).toBe('last');
    expect(await readWhenReady(server.fd, buffer)).toBe(0);
  });

  test('a peer reset comes back as -ECONNRESET, which errnoError names', async () => {
    const { server, client } = await tcpPair();
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.resetAndDestroy();
    await closed;
    const ret = await readWhenReady(server.fd, Buffer.alloc(64));
    expect(ret).toBe(errnoOf('ECONNRESET'));
    const error = errnoError(ret, 'read');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'ECONNRESET', errno: ret, syscall: 'read' });
    expect(error.message).toMatch(/^read ECONNRESET/);
  });
});

describe('fdWrite and fdWritev', () => {
  test('write and writev deliver their bytes in order and return the count', async () => {
    const { server, client } = await tcpPair();
    const received = collect(client);
    expect(addon.fdWrite(server.fd, Buffer.from('xxhelloxx'), 2, 5)).toBe(5);
    const parts = [Buffer.from(' big'), new Uint8Array([32, 119]), Buffer.from('orld')];
    expect(addon.fdWritev(server.fd, parts)).toBe(10);
    expect(addon.fdWritev(server.fd, [])).toBe(0);
    expect(addon.fdShutdown(server.fd, addon.SHUT_WR)).toBe(0);
    expect((await received).toString()).toBe('hello big world');
  });

  test('a peer that does not read: partial writes, then -EAGAIN; every accepted byte arrives', async () => {
    const { server, client } = await tcpPair();
    client.pause();
    // An odd size makes it unlikely that the socket buffer fills exactly at a chunk's end.
    const chunk = pattern(100_003, 7);
    const accepted: Buffer[] = [];
    let partial = false;
    for (let ret = 0; ret !== EAGAIN;) {
      ret = addon.fdWrite(server.fd, chunk, 0, chunk.length);
      if (ret >= 0) accepted.push(chunk.subarray(0, ret));
      if (ret > 0 && ret < chunk.length) partial = true;
      if (ret < 0 && ret !== EAGAIN) throw errnoError(ret, 'write');
    }
    expect(partial).toBe(true);
    // writev on a full socket would block too.
    expect(addon.fdWritev(server.fd, [chunk, chunk])).toBe(EAGAIN);

    const sent = Buffer.concat(accepted);
    expect(sent.length).toBeGreaterThan(chunk.length);
    const received = collect(client);
    client.resume();
    addon.fdShutdown(server.fd, addon.SHUT_WR);
    const got = await received;
    expect(got.length).toBe(sent.length);
    expect(sha1(got)).toBe(sha1(sent));
  });

  test('writev stops part-way through its buffers when the socket fills; the rest can follow', async () => {
    const { server, client } = await tcpPair();
    client.pause();
    const buffers = [pattern(70_001, 1), pattern(50_003, 2), pattern(30_007, 3)];
    const cycle = Buffer.concat(buffers).length;
    const sent: Buffer[] = [];
    let offset = 0;
    let partial = false;
    for (;;) {
      // The three buffers again, from where the last writev stopped in them.
      const parts = remainder(buffers, offset % cycle);
      const ret = addon.fdWritev(server.fd, parts);
      if (ret === EAGAIN) break;
      if (ret < 0) throw errnoError(ret, 'writev');
      if (ret < Buffer.concat(parts).length) partial = true;
      sent.push(Buffer.concat(parts).subarray(0, ret));
      offset += ret;
    }
    expect(partial).toBe(true);
    expect(offset).toBeGreaterThan(cycle);
    const received = collect(client);
    client.resume();
    addon.fdShutdown(server.fd, addon.SHUT_WR);
    expect(sha1(await received)).toBe(sha1(Buffer.concat(sent)));
  });

  test('writing after the peer closed gives -EPIPE, from write and from writev', async () => {
    const { server, client } = await tcpPair();
    client.destroy();
    expect(await readWhenReady(server.fd, Buffer.alloc(16))).toBe(0);
    // The first write may still be taken; the peer answers it with a reset.
    const ret = await eventually(() => {
      const r = addon.fdWrite(server.fd, Buffer.from('late\n'), 0, 5);
      return r < 0 ? r : undefined;
    });
    expect(errnoError(ret, 'write').code).toBe('EPIPE');
    expect(addon.fdWritev(server.fd, [Buffer.from('again')])).toBe(errnoOf('EPIPE'));
  });
});

describe('fdListen and fdAccept', () => {
  test('accept returns the fd and the peer address matching the client', async () => {
    const { peer, client, server } = await tcpPair();
    expect(peer.fd).toBe(server.fd);
    expect(peer).toMatchObject({ address: '127.0.0.1', family: 4, port: client.localPort });
    expect(addon.fdPeerAddress(server.fd)).toEqual({
      address: '127.0.0.1',
      family: 4,
      port: client.localPort,
    });
    expect(addon.fdLocalAddress(server.fd).port).toBe(client.remotePort);
  });

  test('accept with no connection waiting returns -EAGAIN', () => {
    const { listener } = listenFd();
    expect(addon.fdAccept(listener.fd)).toBe(EAGAIN);
  });

  test('listening on a port in use throws an Error coded EADDRINUSE', () => {
    const { port } = listenFd();
    const thrown = thrownBy(() => new OwnedFd(addon.fdListen('127.0.0.1', port, 16)));
    expect(thrown).toMatchObject({
      type: 'Error',
      code: 'EADDRINUSE',
      errno: errnoOf('EADDRINUSE'),
      syscall: 'listen',
    });
  });

  test('a host that is not a numeric address is EINVAL, not a lookup', () => {
    expect(thrownBy(() => addon.fdListen('localhost', 0, 16)).code).toBe('EINVAL');
    expect(thrownBy(() => addon.fdListen('127.0.0.1', 70000, 16)).code).toBe('EINVAL');
  });

  test('listens and accepts on IPv6 ::1', async () => {
    const { listener, port } = listenFd('::1');
    expect(addon.fdLocalAddress(listener.fd)).toEqual({ address: '::1', port, family: 6 });
    const { peer, client, server } = await tcpPair('::1');
    expect(peer).toMatchObject({ address: '::1', family: 6, port: client.localPort });
    client.write('six');
    const buffer = Buffer.alloc(8);
    const n = await readWhenReady(server.fd, buffer);
    expect(buffer.subarray(0, n).toString()).toBe('six');
  });

  test('a closed listener refuses connections', async () => {
    const { listener, port } = listenFd();
    listener.close();
    const socket = net.connect(port, '127.0.0.1');
    const error = await new Promise((resolve) => socket.once('error', resolve));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('bad arguments throw a TypeError or RangeError instead of crashing', () => {
  test('wrong types', async () => {
    const { server } = await tcpPair();
    const fdRead = addon.fdRead as unknown as (...args: unknown[]) => number;
    const fdWritev = addon.fdWritev as unknown as (...args: unknown[]) => number;
    const fdListen = addon.fdListen as unknown as (...args: unknown[]) => number;
    expect(thrownBy(() => fdRead('3', Buffer.alloc(1), 0, 1)).type).toBe('TypeError');
    expect(thrownBy(() => fdRead(server.fd, 'text', 0, 1)).type).toBe('TypeError');
    expect(thrownBy(() => fdRead(server.fd, new Uint16Array(4), 0, 1)).type).toBe('TypeError');
    expect(thrownBy(() => fdRead(server.fd, Buffer.alloc(1))).type).toBe('TypeError');
    expect(thrownBy(() => fdWritev(server.fd, Buffer.from('x'))).type).toBe('TypeError');
    expect(thrownBy(() => fdWritev(server.fd, ['x'])).type).toBe('TypeError');
    expect(thrownBy(() => fdListen(127001, 0, 1)).type).toBe('TypeError');
    expect(thrownBy(() => fdListen('127.0.0.1')).type).toBe('TypeError');
  });

  test('ranges outside the buffer', async () => {
    const { server } = await tcpPair();
    const buffer = Buffer.alloc(8);
    expect(thrownBy(() => addon.fdRead(server.fd, buffer, 0, 9)).type).toBe('RangeError');
    expect(thrownBy(() => addon.fdRead(server.fd, buffer, 9, 0)).type).toBe('RangeError');
    expect(thrownBy(() => addon.fdRead(server.fd, buffer, -1, 2)).type).toBe('RangeError');
    expect(thrownBy(() => addon.fdWrite(server.fd, buffer, 4, 5)).type).toBe('RangeError');
    expect(thrownBy(() => addon.fdWrite(server.fd, buffer.subarray(4), 0, 5)).type).toBe(
      'RangeError',
    );
  });

  // Int32Value() alone would take 2**32 + fd as fd, 1.5 as 1 and NaN as 0 (fdClose(2 ** 32)
  // would close stdin); the binding refuses anything that is not exactly an int32.
  test('an fd that is not a 32-bit integer is refused, not wrapped', async () => {
    const { server } = await tcpPair();
    const buffer = Buffer.alloc(8);
    // Harmless if wrapped: both name our own socket, which has nothing to read.
    for (const fd of [2 ** 32 + server.fd, server.fd + 0.5]) {
      expect(['TypeError', 'RangeError']).toContain(
        thrownBy(() => addon.fdRead(fd, buffer, 0, 8)).type,
      );
    }
  });

  test('a bad fd is a negated errno, not an exception', () => {
    expect(addon.fdRead(-1, Buffer.alloc(1), 0, 1)).toBe(errnoOf('EBADF'));
    expect(addon.fdWrite(-1, Buffer.alloc(1), 0, 1)).toBe(errnoOf('EBADF'));
    expect(addon.fdAccept(-1)).toBe(errnoOf('EBADF'));
    expect(addon.fdClose(-1)).toBe(errnoOf('EBADF'));
  });
});
