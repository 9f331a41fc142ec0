/** `/stats` in end-to-end tests: an admin asks, and the STATS lines come back as a map. */
import type { ChatClient } from './chat-client';

/** Sends `/stats` as `admin` and returns every `STATS <name> <value>` line up to the INFO. */
export async function serverStats(admin: ChatClient): Promise<Map<string, string>> {
  await admin.send('/stats');
  const events = await admin.until('INFO');
  const info = events.pop();
  const lines = events.filter((e) => e.type === 'STATS');
  expect(info?.text).toBe(`${lines.length} stats`);
  return new Map(lines.map((e) => [e.args[0] as string, e.args[1] as string]));
}
