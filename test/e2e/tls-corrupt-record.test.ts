/**
 * A TLS client whose record is corrupt after the handshake (a forged or damaged application-data
 * record): OpenSSL answers with an alert, and the server must also close the connection, so the
 * others see the client leave, with the TLS error as its reason, and the room goes on.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { startServer } from '../helpers/process';
import { generatedCertificate } from '../helpers/tls';

test('a corrupt record after the handshake: the client is closed and the others see it leave', async () => {
  const server = await startServer(['--tls-port', '0']);
  const { cert: ca } = generatedCertificate(server.dataDir);
  const watcher = await ChatClient.connect(server.port);
  const mallory = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await watcher.next()).toEqual(event('JOIN', [mallory.nick]));

  // An application-data record (type 23, TLS 1.2 on the wire) of 32 bytes that no key made.
  mallory.socket.on('error', () => undefined); // the server's alert, as the client sees it
  mallory.raw.write(
    Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), Buffer.alloc(32, 0x41)]),
  );
  const quit = await watcher.next('QUIT');
  expect(quit.args).toEqual([mallory.nick]);
  expect(quit.text).toMatch(/^connection error: /);
  await mallory.closed;

  await watcher.send('/list');
  expect(await watcher.next('USERS')).toEqual(event('USERS', [watcher.nick]));
});
