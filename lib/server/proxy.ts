/**
 * Behind a reverse proxy every peer is the proxy. `--trust-proxy` names the
 * proxies; only for a request that comes from one of them is the client taken
 * from `X-Forwarded-For` (or, without it, RFC 7239 `Forwarded: for=`): the
 * right-most entry that is not itself a trusted proxy, since every entry left
 * of the first untrusted one could have been written by the client.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  /** True when `address` (as Node reports it) is a trusted proxy. */
  has(address: string): boolean;
  /** True when nothing is trusted (the common case: no work per request). */
  readonly none: boolean;
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) becomes `1.2.3.4`. */
export function plainAddress(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address.toLowerCase();
}

/**
 * Parses `--trust-proxy` entries: addresses, CIDR blocks (`10.0.0.0/8`,
 * `fd00::/8`) and `loopback`. Throws an Error naming the bad entry.
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) throw new Error(`not an address, a CIDR block or "loopback": ${JSON.stringify(raw)}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) throw new Error(`bad prefix length in ${JSON.stringify(raw)}`);
    list.addSubnet(address, prefix, type);
  }
  const none = entries.length === 0;
  return {
    none,
    has(address) {
      if (none) return false;
      const plain = plainAddress(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address for `req`: the peer, or, when the peer is a trusted
 * proxy, the right-most untrusted forwarded address. An entry that is not an
 * address (`unknown`, an obfuscated `_id`, garbage) ends the walk at the last
 * trusted hop, which is then the best address known.
 */
export function clientAddressFrom(req: IncomingMessage, trusted: TrustedProxies): string {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  if (trusted.none || !trusted.has(peer)) return peer;
  const forwardedFor = req.headers['x-forwarded-for'];
  const chain = forwardedFor !== undefined ? xForwardedFor(String(forwardedFor)) : forwarded(req.headers.forwarded);
  let client = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (isIP(hop) === 0) break;
    client = plainAddress(hop);
    if (!trusted.has(client)) break;
  }
  return client;
}

/** `X-Forwarded-For: client, proxy1, proxy2` (repeated headers arrive joined by ", "). */
function xForwardedFor(value: string): string[] {
  return value.split(',').map((entry) => stripPort(entry.trim()));
}

/** RFC 7239 §4: `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`. */
function forwarded(value: string | undefined): string[] {
  if (value === undefined) return [];
  const out: string[] = [];
  for (const element of value.split(',')) {
    let hop = '';
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      hop = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    out.push(stripPort(hop));
  }
  return out;
}

/** `[2001:db8::1]:4711` becomes `2001:db8::1`; `192.0.2.43:47011` becomes `192.0.2.43`; a bare IPv6 stays. */
function stripPort(hop: string): string {
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']');
    return end === -1 ? hop : hop.slice(1, end);
  }
  const colon = hop.indexOf(':');
  if (colon !== -1 && hop.indexOf(':', colon + 1) === -1) return hop.slice(0, colon);
  return hop;
}

/** The key a per-address cap counts under (IPv6 by /64): the WebSocket library's rule, shared. */
export { addressGroup } from '../websocket/address.ts';
