/**
 * What a ban names: one address (IPv4 or IPv6), a range in CIDR notation, or `nick:<name>`.
 * Targets are kept in one canonical spelling (RFC 5952 for IPv6, a range by its network address,
 * nicks lower-case), so `/unban` and the file agree with `/ban` however it was typed. IPv6 is
 * written in brackets (`[::1]`, `[2001:db8::]/32`), as WHOIS writes it: a target is an event ARG,
 * and an ARG may not start with `:`. Addresses are parsed and matched by ipaddr.js; `net.isIP`
 * keeps the accepted syntax strict (no `127.1`).
 */
import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

import { isValidNick, nickKey } from '../protocol/nick';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export type BanTarget =
  | { readonly kind: 'address'; readonly text: string }
  | { readonly kind: 'range'; readonly text: string; readonly range: [Address, number] }
  | { readonly kind: 'nick'; readonly text: string; readonly key: string };

/** The prefix of a ban on a name rather than an address. */
export const NICK_TARGET_PREFIX = 'nick:';

/**
 * A client's address, parsed; an IPv4 client of a dual-stack (`::`) listener arrives as
 * `::ffff:a.b.c.d` and is treated as the IPv4 address it is.
 */
export function parseAddress(text: string): Address | undefined {
  if (isIP(text) === 0 || text.includes('%')) return undefined;
  return ipaddr.process(text);
}

/**
 * The prefix of the block one IPv6 user is taken to have: the /64 a subscriber usually gets,
 * in which a client picks new temporary addresses at will (RFC 8981).
 */
export const IPV6_USER_PREFIX = 64;

/**
 * What counts as one user at `address`: an IPv4 address (IPv4-mapped ones included), or an IPv6
 * address's /64 (`2001:db8:1:2::/64`), but the loopback `::1`, which is one host. The login
 * throttle, `--max-per-ip` and `/ban <nick>` all count users by it, so that hopping to another
 * address of one's /64 evades none of them. Not an address: returned unchanged.
 */
export function userKey(text: string): string {
  const address = parseAddress(text);
  if (address === undefined) return text;
  const block = userBlock(address);
  return block === undefined ? address.toString() : `${block.toString()}/${IPV6_USER_PREFIX}`;
}

/** The network address of the /64 that is one IPv6 user (not the loopback's); else undefined. */
function userBlock(address: Address): ipaddr.IPv6 | undefined {
  if (address.kind() === 'ipv4' || address.range() === 'loopback') return undefined;
  const cidr = `${address.toString()}/${IPV6_USER_PREFIX}`;
  return ipaddr.IPv6.networkAddressFromCIDR(cidr);
}

/**
 * The target of a ban on the user block `address` is in (`[2001:db8:1:2::]/64`), under which
 * such a ban is looked up in one probe; undefined where the user is the address itself.
 */
export function userBlockTarget(address: Address): string | undefined {
  const block = userBlock(address);
  return block === undefined ? undefined : `${spell(block)}/${IPV6_USER_PREFIX}`;
}

const LOOPBACK = ipaddr.IPv6.parse('::1');

/**
 * True for a range that is exactly some user's block, what `/ban <nick>` of an IPv6 user sets:
 * a /64, but the loopback's (`::1` is a user of its own, so a ban on `[::]/64` is matched as any
 * other range).
 */
export function isUserBlock(target: BanTarget): boolean {
  if (target.kind !== 'range') return false;
  const [network, bits] = target.range;
  return network.kind() === 'ipv6' && bits === IPV6_USER_PREFIX && !LOOPBACK.match(network, bits);
}

/** An address as a target spells it: `127.0.0.2`, `[::1]`. */
export function spell(address: Address): string {
  return address.kind() === 'ipv6' ? `[${address.toString()}]` : address.toString();
}

/** `[::1]` (as targets and WHOIS write IPv6) to `::1`; anything else unchanged. */
function unbracket(text: string): string {
  return /^\[[^\]]*\]$/.test(text) ? text.slice(1, -1) : text;
}

function parseRange(text: string): BanTarget | string {
  const [bracketed = '', bitsText = '', ...more] = text.split('/');
  const addressText = unbracket(bracketed);
  let address = parseAddress(addressText);
  const bad = `${text} is not a range: use an address and a prefix length, e.g. 10.0.0.0/8`;
  if (address === undefined || !/^\d{1,3}$/.test(bitsText) || more.length > 0) return bad;
  let bits = Number(bitsText);
  // ::ffff:10.0.0.0/104 was turned into IPv4 by parseAddress; its prefix follows.
  const mapped = address.kind() === 'ipv4' && addressText.includes(':');
  if (mapped) bits -= 96;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (mapped && (bits < 0 || bits > max)) {
    // "must be 0 to 32" would be wrong for what was typed: say how to write it, either way.
    const ipv4 = address.toString();
    return (
      `${text}: an IPv4-mapped range takes a prefix length of 96 to 128, 96 more than the ` +
      `IPv4 one (::ffff:${ipv4}/104 is ${ipv4}/8); or type the IPv4 range, ${ipv4}/<0 to 32>`
    );
  }
  if (bits < 0 || bits > max) return `${text}: the prefix length must be 0 to ${max}`;
  address =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
  return { kind: 'range', text: `${spell(address)}/${bits}`, range: [address, bits] };
}

/**
 * Parses a ban target as an admin types it (a nick of someone present is resolved by the caller
 * before this). Returns the target or a problem in words.
 */
export function parseBanTarget(text: string): BanTarget | string {
  if (text.toLowerCase().startsWith(NICK_TARGET_PREFIX)) {
    const name = text.slice(NICK_TARGET_PREFIX.length);
    if (!isValidNick(name)) return `${text}: ${JSON.stringify(name)} is not a valid nick`;
    const key = nickKey(name);
    return { kind: 'nick', text: NICK_TARGET_PREFIX + key, key };
  }
  if (text.includes('/')) return parseRange(text);
  const address = parseAddress(unbracket(text));
  if (address !== undefined) return { kind: 'address', text: spell(address) };
  return `${text} is not an address, a range (CIDR) or nick:<name>`;
}

/** True if `target` applies to a client at `address` (parsed) named `nick`. */
export function targetMatches(
  target: BanTarget,
  address: Address | undefined,
  nick: string,
): boolean {
  switch (target.kind) {
    case 'nick':
      return target.key === nickKey(nick);
    case 'address':
      return address !== undefined && spell(address) === target.text;
    case 'range':
      return address !== undefined && address.kind() === target.range[0].kind()
        ? address.match(target.range)
        : false;
  }
}
