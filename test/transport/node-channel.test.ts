/**
 * The NodeChannel (`--backend node`) over real TCP: bytes both ways, the peer's FIN as onEnd, a
 * reset as onClose(ECONNRESET), a peer that never reads making queuedBytes grow past what the
 * kernel holds (what the sendq judges), end() flushing everything before its FIN, and onClose
 * called once, after the call that caused it.
 */
import net from 'node:net';

import type { ChannelError, ChannelHandlers } from '../../src/transport/channel';
import { NodeChannel } from '../../src/transport/node-channel';
import { collect } from '../helpers/lines';
import { allowReset, connect, track } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

interface Recorded extends ChannelHandlers {
  data: Buffer[];
  ends: number;
  closes: (ChannelError | undefined)[];
  closed: Promise<void>;
}

function recorder(): Recorded {
  let done = (): void => undefined;
  const closed = new Promise<void>((resolve) => (done = resolve));
  const seen: Recorded = {
    data: [],
    ends: 0,
    closes: [],
    closed,
    onData: (chunk) => seen.data.push(Buffer.from(chunk)),
    onEnd: () => seen.ends++,
    onClose: (error) => {
      seen.closes.push(error);
      done();
    },
  };
  return seen;
}

/** A NodeChannel over the server side of a fresh connection, and the client side. */
async function channelPair(): Promise<{
  channel: NodeChannel;
  seen: Recorded;
  client: net.Socket;
}> {
  const server = net.createServer();
  teardown(() => new Promise((resolve) => server.close(resolve)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = await connect((server.address() as net.AddressInfo).port);
  const socket = track(await accepted);
  const seen = recorder();
  const channel = new NodeChannel(socket).attach(seen);
  return { channel, seen, client };
}

test('bytes both ways; the peer address; not secure', async () => {
  const { channel, seen, client } = await channelPair();
  expect(channel.remote).toEqual({ address: '127.0.0.1', port: client.localPort, family: 4 });
  expect(channel.secure).toBe(false);
  client.write('ping');
  await eventually(() => (seen.data.length > 0 ? true : undefined));
  expect(Buffer.concat(seen.data).toString()).toBe('ping');
  const received = collect(client);
  channel.write(Buffer.from('pong'));
  channel.end();
  expect((await received).toString()).toBe('pong');
});

test("the peer's FIN is onEnd; end() then closes, and onClose comes once", async () => {
  const { channel, seen, client } = await channelPair();
  client.end();
  await eventually(() => (seen.ends === 1 ? true : undefined));
  channel.end();
  channel.end();
  await seen.closed;
  expect(seen.closes).toEqual([undefined]);
});

test('a reset is onClose(ECONNRESET)', async () => {
  const { seen, client } = await channelPair();
  client.resetAndDestroy();
  await seen.closed;
  expect(seen.closes).toEqual([expect.objectContaining({ code: 'ECONNRESET' })]);
});

test('a peer that never reads: queuedBytes grows past what the kernel holds', async () => {
  const { channel, seen, client } = await channelPair();
  allowReset(client); // destroyed with bytes queued
  client.pause();
  const chunk = Buffer.alloc(64 * 1024, 'q');
  // 32 MiB, far more than two socket buffers on loopback: most of it must wait in the stream.
  for (let i = 0; i < 512; i++) channel.write(chunk);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(channel.queuedBytes).toBeGreaterThan(16 << 20);
  channel.destroy();
  await seen.closed;
  expect(seen.closes).toHaveLength(1);
});

test('end() delivers everything queued before its FIN', async () => {
  const { channel, client } = await channelPair();
  const received = collect(client);
  const chunk = Buffer.alloc(1 << 20, 'e');
  for (let i = 0; i < 8; i++) channel.write(chunk);
  channel.end();
  channel.write(Buffer.from('too late'));
  expect((await received).length).toBe(8 << 20); // collected up to the FIN
  expect(client.readableEnded).toBe(true);
});
