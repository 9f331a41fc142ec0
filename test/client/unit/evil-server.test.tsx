/**
 * A hostile server over a real socket, drawn by the real screen: escape sequences in every field
 * it sends (a window title, a clipboard write, colours, a C1 CSI, DEL) reach neither the state
 * nor the frame; what is left of them shows as harmless text, and TAB as a space.
 */
import type { ScreenState } from '../../../src/client/screen-state.js';
import { screenView } from '../../../src/client/screen-view.js';
import { Session } from '../../../src/client/session.js';
import { fakeServer } from '../../helpers/fake-server.js';
import { teardown } from '../../helpers/teardown.js';
import { codesAt, plain, SGR_CODES as SGR } from './ansi.js';
import { mount, userPane } from './screen.js';

// eslint-disable-next-line no-control-regex -- control characters are what must not get through
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;
const OSC = '\u001b]';
const BEL = '\u0007';

/** Every string the screen state holds that came from the server. */
function serverStrings(state: ScreenState): string[] {
  const texts = state.scrollback.lines.flatMap((line) => line.segments.map((s) => s.text));
  return [...texts, ...state.users, state.status.nick ?? ''];
}

test('control characters from the server reach neither the screen state nor the terminal', async () => {
  const server = await fakeServer();
  const screen = await mount({ columns: 120, rows: 16 });
  const { view } = screenView(screen.store, () => undefined);
  const session = new Session(
    { host: '127.0.0.1', port: server.port, tls: undefined, nick: undefined },
    view,
    {
      knownHosts: '/nonexistent/known_hosts',
    },
  );
  teardown(() => session.quit());
  session.start();
  const peer = await server.connection();
  peer.send(
    'WELCOME evil\u001b[5m-1 :hi\u001b[2J',
    'MSG mallory :\u001b]0;PWNED-TITLE\u0007\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[41mRED\u001b[0m tail',
    'USERS evil-1 mal\u001b[31mlory tab\tbed',
    'JOIN in\u009b7mverse',
    'ERROR x\u007fy :del\u007f and \u0085nel',
    'NOTYETKNOWN :\u001b[?1049l\u001bc raw',
    'INFO :the end',
  );
  const frame = await screen.until((f) => f.includes('the end'));

  for (const text of serverStrings(screen.store.getState())) expect(text).not.toMatch(CONTROL);
  expect(frame).not.toContain(OSC);
  expect(frame).not.toContain(BEL);
  expect(frame).not.toMatch(/[\u0080-\u009f]/);
  const shown = plain(frame);
  // With the ESC gone, what followed it is only text: no title, no clipboard, no red.
  expect(shown).toContain('<mallory> ]0;PWNED-TITLE]52;c;cm0gLXJmIH4K[41mRED[0m tail');
  expect(codesAt(frame, 'RED[0m tail')).not.toContain(SGR.bgRed);
  expect(shown).toContain('--> in7mverse joined');
  expect(shown).toContain('error xy: del and nel');
  expect(shown).toContain('NOTYETKNOWN :[?1049lc raw');
  expect(shown).toMatch(/you are evil\[5m-1: hi\[2J/);
  expect(userPane(frame)).toEqual(['evil-1', 'mal[31mlory', 'tab bed', 'in7mverse']);
});
