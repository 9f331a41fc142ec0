/**
 * A nick's colour: the same nick is always the same colour, on every screen and every run, so
 * a reader follows a conversation by colour. Red is kept for errors, kicks and bans.
 */
export const NICK_COLOURS = [
  'cyan',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyanBright',
  'greenBright',
  'yellowBright',
  'blueBright',
  'magentaBright',
] as const;

export type NickColour = (typeof NICK_COLOURS)[number];

/** FNV-1a of the nick ignoring case (nicks are unique ignoring case), onto the palette. */
export function nickColour(nick: string): NickColour {
  let hash = 0x811c9dc5;
  for (const char of nick.toLowerCase()) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return NICK_COLOURS[hash % NICK_COLOURS.length] as NickColour;
}
