/**
 * The only commands the client keeps for itself (everything else goes to the server as typed):
 * `/quit [reason]`, `/clear`, `/connect [host] [port]`. Names ignore case, as the server's do.
 */
export type ClientCommand =
  | { name: 'quit'; reason: string | undefined }
  | { name: 'clear' }
  | { name: 'connect'; host: string | undefined; port: number | undefined }
  | { name: 'invalid'; message: string };

/** The commands the client keeps, without the slash. */
export const CLIENT_COMMANDS = ['quit', 'clear', 'connect'] as const;

const PORT_RE = /^\d{1,5}$/;
const COMMAND_RE = new RegExp(`^/(${CLIENT_COMMANDS.join('|')})(?:[ \\t]+(.*))?$`, 'i');

/** The client command in `line`, or undefined when the line is for the server. */
export function clientCommand(line: string): ClientCommand | undefined {
  const match = COMMAND_RE.exec(line.trim());
  if (match === null) return undefined;
  const name = (match[1] as string).toLowerCase();
  const rest = (match[2] ?? '').trim();
  if (name === 'quit') return { name, reason: rest === '' ? undefined : rest };
  if (name === 'clear')
    return rest === '' ? { name } : { name: 'invalid', message: 'usage: /clear' };
  const [host, port, extra] = rest === '' ? [] : rest.split(/[ \t]+/);
  const number = port === undefined ? undefined : Number(port);
  if (
    extra !== undefined ||
    (port !== undefined && (!PORT_RE.test(port) || number === 0 || (number as number) > 65535))
  ) {
    return { name: 'invalid', message: 'usage: /connect [host] [port]' };
  }
  return { name: 'connect', host, port: number };
}
