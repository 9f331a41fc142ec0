/**
 * Client addresses as users see them, in WHOIS, in the server's log and in the client's known
 * hosts: `127.0.0.1:7000`, `[::1]:7000`. It has no imports, so the client (an ES module) can
 * share it.
 */

/** `::ffff:a.b.c.d`, how a dual-stack (`::`) listener sees an IPv4 client. */
const IPV4_MAPPED_RE = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * An IPv4 client of a dual-stack listener (`::ffff:127.0.0.2`) as the IPv4 address it is
 * (`127.0.0.2`), as bans and the limits already treat it; any other address unchanged.
 */
export function unmapIPv4(ip: string): string {
  return IPV4_MAPPED_RE.exec(ip)?.[1] ?? ip;
}

/** `host:port`, an IPv6 host in brackets (`[::1]:5000`) so that the port stays unambiguous. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A socket's address as users see it: `127.0.0.1:7000`, `[::1]:7000`, IPv4-mapped as IPv4. */
export function formatAddress({ address, port }: { address: string; port: number }): string {
  return formatHostPort(unmapIPv4(address), port);
}
