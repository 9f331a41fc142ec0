import { nickColour } from '../../../src/client/nick-colour.js';
import { codesAt, plain, SGR_CODES as SGR } from './ansi.js';
import { inputRow, KEYS, mount, userPane } from './screen.js';

const NICK_SGR: Readonly<Record<string, number>> = {
  cyan: 36,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyanBright: 96,
  greenBright: 92,
  yellowBright: 93,
  blueBright: 94,
  magentaBright: 95,
};

test('each kind of line has its own style; nicks keep their colour; stamps are dim', async () => {
  const screen = await mount({ columns: 100, rows: 20 });
  for (const line of [
    'MSG alice :a plain message',
    'ACTION alice :waves slowly',
    'WHISPER alice bob :a secret',
    'JOIN carol',
    'QUIT dave :gone fishing',
    'NICK bob bobby',
    'KICK eve admin :spamming',
    'BAN mallory admin :abuse',
    'ERROR nick-taken :nick bob is taken',
  ]) {
    screen.server(line);
  }
  screen.store.dispatch({ type: 'notice', text: 'disconnected', alert: true, time: new Date() });
  const frame = await screen.until((f) => f.includes('disconnected'));
  expect(codesAt(frame, 'a plain message')).toEqual([]);
  expect(codesAt(frame, 'alice> a plain')).toEqual([SGR.bold, NICK_SGR[nickColour('alice')]]);
  expect(codesAt(frame, 'waves slowly')).toEqual([SGR.italic]);
  expect(codesAt(frame, 'a secret')).toContain(SGR.yellow);
  expect(codesAt(frame, ' joined')).toEqual([SGR.green]);
  expect(codesAt(frame, ' left (gone fishing)')).toEqual([SGR.gray]);
  expect(codesAt(frame, ' is now ')).toEqual([SGR.cyan]);
  expect(codesAt(frame, ' was kicked by ')).toEqual([SGR.bold, SGR.red]);
  expect(codesAt(frame, ' was banned by ')).toEqual([SGR.bold, SGR.redBright]);
  expect(codesAt(frame, 'error nick-taken')).toEqual([SGR.red]);
  expect(codesAt(frame, '*** disconnected')).toEqual([SGR.bold, SGR.white, SGR.bgRed]);
  expect(codesAt(frame, '16:55').length + codesAt(frame, ':58 ').length).toBeGreaterThan(0);
  const stamp = plain(frame).split('\n')[0]?.slice(0, 8) as string;
  expect(stamp).toMatch(/^\d\d:\d\d:58$/);
  expect(codesAt(frame, stamp)).toContain(SGR.dim);
});

test('the user list follows USERS, JOIN, NICK, QUIT and KICK', async () => {
  const screen = await mount();
  screen.status({ nick: 'alice' });
  screen.server('USERS alice bob');
  expect(userPane(await screen.until((f) => f.includes('bob')))).toEqual(['alice', 'bob']);
  screen.server('JOIN carol');
  expect(userPane(await screen.until((f) => userPane(f).includes('carol')))).toEqual([
    'alice',
    'bob',
    'carol',
  ]);
  screen.server('NICK bob bobby');
  expect(userPane(await screen.until((f) => userPane(f).includes('bobby')))).toEqual([
    'alice',
    'bobby',
    'carol',
  ]);
  screen.server('QUIT carol :bye');
  screen.server('KICK bobby alice :out');
  const frame = await screen.until((f) => userPane(f).length === 1);
  expect(userPane(frame)).toEqual(['alice']);
  expect(plain(frame)).toContain('users (1)');
  expect(codesAt(frame, '│ alice', 2)).toContain(SGR.underline); // our own nick
});

test('PgUp and PgDn scroll back; new lines do not move the view, and are counted', async () => {
  const screen = await mount({ columns: 80, rows: 12 }); // a pane of 9 rows
  for (let i = 1; i <= 200; i++) screen.server(`MSG bob :number ${i}`);
  await screen.until((f) => f.includes('number 200'));
  await screen.press(KEYS.pageUp);
  let frame = plain(await screen.until((f) => f.includes('scrolled back')));
  expect(frame).toContain('number 192');
  expect(frame).not.toContain('number 193');
  screen.server('MSG carol :brand new');
  frame = plain(await screen.until((f) => f.includes('1 new below')));
  expect(frame).toContain('number 192');
  expect(frame).not.toContain('brand new');
  await screen.press(...Array<string>(30).fill(KEYS.pageUp));
  frame = plain(await screen.until((f) => f.includes('number 1\n') || f.includes('number 1 ')));
  expect(frame).toContain('number 9 ');
  await screen.press(...Array<string>(30).fill(KEYS.pageDown));
  frame = plain(await screen.until((f) => !f.includes('scrolled back')));
  expect(frame).toContain('brand new');
});

test('Enter sends the line as typed; Up and Down recall earlier lines', async () => {
  const screen = await mount();
  await screen.press('h', 'e', 'l', 'o', KEYS.left, 'l', KEYS.enter);
  await screen.press('/whois bob', KEYS.enter);
  expect(screen.sent).toEqual(['hello', '/whois bob']);
  await screen.press('dr', KEYS.up);
  expect(inputRow(plain(await screen.until((f) => inputRow(f).includes('/whois bob'))))).toBe(
    '> /whois bob',
  );
  await screen.press(KEYS.up);
  await screen.until((f) => inputRow(f).startsWith('> hello'));
  await screen.press(KEYS.down, KEYS.down);
  await screen.until((f) => inputRow(f).startsWith('> dr'));
  await screen.press(KEYS.backspace, KEYS.backspace, KEYS.up, KEYS.up, KEYS.enter);
  expect(screen.sent).toEqual(['hello', '/whois bob', 'hello']);
});

test('Tab completes commands and nicks, and cycles through matches', async () => {
  const screen = await mount();
  screen.server('USERS alice albert bob');
  await screen.until((f) => f.includes('albert'));
  await screen.press('/wh', KEYS.tab);
  await screen.until((f) => inputRow(f) === '> /whisper');
  await screen.press('al', KEYS.tab);
  await screen.until((f) => inputRow(f) === '> /whisper albert');
  await screen.press(KEYS.tab);
  await screen.until((f) => inputRow(f) === '> /whisper alice');
  await screen.press('hi', KEYS.enter);
  expect(screen.sent).toEqual(['/whisper alice hi']);
});

test('pasted lines are sent one by one', async () => {
  const screen = await mount();
  await screen.press('one\rtwo\rthr');
  expect(screen.sent).toEqual(['one', 'two']);
  await screen.until((f) => inputRow(f).startsWith('> thr'));
});

test('the status line shows the server, TLS and its fingerprint, our nick and the link', async () => {
  const print = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':');
  const screen = await mount({ columns: 100, rows: 10 });
  screen.status({ transport: 'tls', fingerprint: print, nick: 'alice', link: 'connected' });
  let frame = plain(await screen.until((f) => f.includes('connected')));
  expect(frame).toContain('127.0.0.1:7000 │ TLS 10:11:12:13…2C:2D:2E:2F │ alice │ connected');
  screen.status({ link: 'reconnecting', detail: 'in 2.0s' });
  frame = plain(await screen.until((f) => f.includes('reconnecting in 2.0s')));
  screen.status({ insecure: true });
  frame = await screen.until((f) => f.includes('INSECURE'));
  expect(codesAt(frame, 'TLS INSECURE')).toContain(SGR.bgRed);
});

test('the trust question takes y or n and nothing else; Ctrl-C quits', async () => {
  const screen = await mount();
  screen.store.dispatch({ type: 'ask', question: { server: '127.0.0.1:7443', fingerprint: 'AB' } });
  await screen.until((f) => f.includes('Trust the certificate of 127.0.0.1:7443'));
  await screen.press('x', KEYS.enter, 'y');
  expect(screen.answers).toEqual([true]);
  expect(screen.sent).toEqual([]);
  await screen.press(KEYS.ctrlC);
  expect(screen.quits).toEqual([1]);
});
