/**
 * The server's Moderation on its own, with a real accounts file and real (cheap) scrypt: what a
 * login holds while it is checked and while its failure waits out its delay.
 */
import { Accounts, accountsFile } from '../../src/admin/accounts';
import { BanList } from '../../src/admin/bans';
import { ServerModeration } from '../../src/admin/moderation';
import type { LoginOutcome } from '../../src/chat/commands/moderation';
import { tempDir } from '../helpers/tls';

const PASSWORD = 'the admin password';

async function moderation(onWarn: (message: string) => void): Promise<ServerModeration> {
  const file = accountsFile(tempDir());
  const accounts = await Accounts.load(file);
  await accounts.set('root', PASSWORD, { N: 1024, r: 8, p: 1 });
  await accounts.save();
  const ignore = (): void => undefined;
  return new ServerModeration({
    accountsFile: file,
    bans: new BanList(),
    allowPlainLogin: false,
    log: { info: ignore, warn: onWarn, error: ignore },
    // One login checked at a time, server-wide; a failure waits long enough to be seen waiting.
    throttle: { maxConcurrent: 1, baseDelayMs: 1000 },
  });
}

function login(m: ServerModeration, address: string, password: string): Promise<LoginOutcome> {
  return new Promise((resolve) => m.login(address, 'root', password, resolve));
}

test('a failed login frees the server-wide slot when its hash is done, not after its delay', async () => {
  let checked = (): void => undefined;
  const failureLogged = new Promise<void>((resolve) => (checked = resolve));
  const m = await moderation(() => checked());
  const attacker = login(m, '10.0.0.1', 'a wrong guess');
  // While the guess is being hashed, the one slot is taken.
  expect(await login(m, '10.0.0.2', PASSWORD)).toMatchObject({
    code: 'rate-limited',
    message: 'the server is checking too many logins; try again in a moment',
  });
  // The failure is logged when the hash is done; its answer waits out a one-second delay, and
  // meanwhile the real admin, from another address, is checked and logged in.
  await failureLogged;
  expect(await login(m, '10.0.0.3', PASSWORD)).toEqual({ account: 'root' });
  // The guesser's own address stays busy through its delay: no second guess meanwhile.
  expect(await login(m, '10.0.0.1', PASSWORD)).toMatchObject({
    code: 'rate-limited',
    message: 'a login from 10.0.0.1 is being checked; wait for its answer',
  });
  expect(await attacker).toMatchObject({ code: 'not-permitted' });
  expect(await login(m, '10.0.0.1', PASSWORD)).toEqual({ account: 'root' });
});
