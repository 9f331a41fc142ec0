/**
 * A client that closes its socket while the server writes to it is announced as an ordinary close,
 * deterministically: over the wire this is a race (notifications.test.ts floods the room to make
 * it likely), so here it is set up in-process, with real TCP and the real FdSocket, Connection and
 * Room on the real loop. The server's reading is paused (the transport's backpressure switch), so
 * the client's FIN is certainly unread when the server writes; the client's kernel answers RST and
 * the server's next write fails with EPIPE (a reset socket in CLOSE_WAIT reports EPIPE, not
 * ECONNRESET). quitReason() used to pass that on as `QUIT <nick> :connection error: EPIPE`; this
 * test failed every time before it mapped EPIPE to "connection closed".
 */
import pino from 'pino';

import type { Peer } from '../../src/chat/peer';
import { Room } from '../../src/chat/room';
import { parseEvent } from '../../src/protocol/event-parser';
import { Connection } from '../../src/server/connection';
import { FdSocket } from '../../src/transport/fd-socket';
import { readLine } from '../helpers/lines';
import { createLoop, untilReadable } from '../helpers/loop';
import { tcpPair } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

test('a client that closes while the server writes to it gets QUIT :connection closed', async () => {
  const loop = createLoop();
  const room = new Room();
  const seen: string[] = [];
  const watcher: Peer = {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    secure: false,
    send: (line) => void seen.push(line.toString('utf8')),
    close: () => undefined,
  };
  room.join(watcher);

  const { server, peer, client } = await tcpPair();
  const fd = server.release();
  let socket: FdSocket | undefined;
  const connection = new Connection(
    room,
    (handlers) => (socket = new FdSocket(loop, fd, peer, handlers)),
    { maxLineBytes: 2048, sendqBytes: 64 << 20 }, // the sendq is not the subject here
    pino({ level: 'silent' }),
  );
  teardown(() => socket?.destroy()); // before the loop closes
  expect(await readLine(client)).toMatch(/ WELCOME guest-2 :/);

  socket?.setReading(false);
  client.destroy(); // an orderly close: FIN, nothing unread
  await untilReadable([fd]); // the FIN is here, unread
  connection.send(Buffer.alloc(8 << 20, 'x')); // more than one write can take: the client resets

  const quit = await eventually(() => seen.find((line) => line.includes(' QUIT ')));
  expect(parseEvent(quit)).toEqual({
    time: expect.any(String),
    type: 'QUIT',
    args: ['guest-2'],
    text: 'connection closed',
  });
});
