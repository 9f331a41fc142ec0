import { ProtocolError } from '../../src/protocol/errors';
import { Room } from '../../src/chat/room';
import { FakePeer, Harness } from './fake-peer';

describe('Room join and leave', () => {
  test('a newcomer gets WELCOME with its guest nick; the others get JOIN', () => {
    const h = new Harness();
    const a = new FakePeer();
    h.room.join(a);
    expect(h.take(a)).toEqual(['WELCOME guest-1 :hello there']);
    const b = new FakePeer();
    const mb = h.room.join(b);
    expect(mb.nick).toBe('guest-2');
    expect(h.take(b)).toEqual(['WELCOME guest-2 :hello there']);
    expect(h.take(a)).toEqual(['JOIN guest-2']);
    expect(h.room.size).toBe(2);
  });

  test('the exact bytes of a WELCOME line', () => {
    const h = new Harness();
    const a = new FakePeer();
    h.room.join(a);
    expect(a.sent.map((b) => b.toString())).toEqual([`${h.time} WELCOME guest-1 :hello there\n`]);
  });

  test('guest numbers only grow and skip names someone took', () => {
    const h = new Harness();
    const { peer, member } = h.connect(); // guest-1
    h.room.handleLine(member, '/nick guest-2');
    h.take(peer);
    expect(h.connect().member.nick).toBe('guest-3');
    h.room.leave(member, 'bye');
    expect(h.connect().member.nick).toBe('guest-4');
  });

  test('leaving tells everyone else QUIT with the reason, once', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.leave(a.member, 'connection reset');
    h.room.leave(a.member, 'again');
    expect(h.take(b.peer)).toEqual(['QUIT guest-1 :connection reset']);
    expect(h.take(a.peer)).toEqual([]);
    expect(h.room.size).toBe(1);
    expect(a.member.present).toBe(false);
  });

  test('a QUIT reason with a newline cannot forge a line', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.leave(a.member, 'x\nMSG admin :hi');
    expect(h.take(b.peer)).toEqual(['QUIT guest-1 :x MSG admin :hi']);
  });

  test('a departed member: its lines and errors are ignored, its nick is free', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.handleLine(a.member, '/nick alice');
    h.room.leave(a.member, 'gone');
    h.drain();
    h.take(a.peer);
    h.room.handleLine(a.member, 'still here?');
    h.room.reportError(a.member, new ProtocolError('line-too-long', 'x'));
    expect(h.take(a.peer)).toEqual([]);
    expect(h.take(b.peer)).toEqual([]);
    h.room.handleLine(b.member, '/nick ALICE');
    expect(h.take(b.peer)).toEqual(['NICK guest-2 ALICE']);
  });

  test('reportError sends one ERROR line to that member only', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.reportError(a.member, new ProtocolError('line-too-long', 'line longer than 2048 bytes'));
    expect(h.take(a.peer)).toEqual(['ERROR line-too-long :line longer than 2048 bytes']);
    expect(h.take(b.peer)).toEqual([]);
  });
});

describe('Room broadcast', () => {
  test('one message is encoded once and the same Buffer goes to every member', () => {
    const h = new Harness();
    const [a, b, c] = [h.connect(), h.connect(), h.connect()];
    h.room.handleLine(b.member, 'hello all');
    const first = a.peer.sent.at(-1);
    expect(first).toBeInstanceOf(Buffer);
    expect(b.peer.sent.at(-1)).toBe(first);
    expect(c.peer.sent.at(-1)).toBe(first);
    expect(String(first)).toBe(`${h.time} MSG guest-2 :hello all\n`);
  });

  test('the time of each line comes from the clock', () => {
    const h = new Harness();
    const a = h.connect();
    h.ms += 1234;
    h.room.handleLine(a.member, 'tick');
    expect(h.take(a.peer)).toEqual(['MSG guest-1 :tick']); // take() checks the new time
  });

  test('blank lines do nothing', () => {
    const h = new Harness();
    const a = h.connect();
    h.room.handleLine(a.member, '');
    h.room.handleLine(a.member, '   ');
    expect(h.take(a.peer)).toEqual([]);
  });
});

describe('Room shutdown', () => {
  test('everyone gets INFO :server shutting down and is closed; no QUIT storm', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.shutdown();
    expect(h.take(a.peer)).toEqual(['INFO :server shutting down']);
    expect(h.take(b.peer)).toEqual(['INFO :server shutting down']);
    expect(a.peer.closes).toEqual(['server shutting down']);
    expect(a.peer.sent.at(-1)).toBe(b.peer.sent.at(-1));
    // The transport reports the closes afterwards.
    h.room.leave(a.member, 'closed');
    expect(h.take(b.peer)).toEqual([]);
  });

  test('a peer that leaves synchronously from close() does not upset the loop', () => {
    const room = new Room();
    const peers: FakePeer[] = [];
    for (let i = 0; i < 3; i++) {
      const peer = new FakePeer();
      const member = room.join(peer);
      peer.close = (reason) => {
        peer.closes.push(reason);
        room.leave(member, reason);
      };
      peers.push(peer);
    }
    room.shutdown();
    expect(peers.map((p) => p.closes)).toEqual([
      ['server shutting down'],
      ['server shutting down'],
      ['server shutting down'],
    ]);
    expect(room.size).toBe(0);
  });

  test('a connection joining after shutdown is told and closed, and nobody sees it', () => {
    const h = new Harness();
    const a = h.connect();
    h.room.shutdown();
    h.take(a.peer);
    const late = new FakePeer();
    h.room.join(late);
    expect(h.take(late)).toEqual(['INFO :server shutting down']);
    expect(late.closes).toEqual(['server shutting down']);
    expect(h.take(a.peer)).toEqual([]);
  });
});
