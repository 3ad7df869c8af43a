/**
 * Behind a reverse proxy every peer is the proxy. `--trust-proxy` names the
 * proxies; only for a request that comes from one of them is the client taken
 * from `X-Forwarded-For` (or, without it, RFC 7239 `Forwarded: for=`): the
 * right-most entry that is not itself a trusted proxy, since every entry left
 * of the first untrusted one could have been written by the client.
 */
import type { IncomingMessage } from 'node:http';
export interface TrustedProxies {
    /** True when `address` (as Node reports it) is a trusted proxy. */
    has(address: string): boolean;
    /** True when nothing is trusted (the common case: no work per request). */
    readonly none: boolean;
}
/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) becomes `1.2.3.4`. */
export declare function plainAddress(address: string): string;
/**
 * Parses `--trust-proxy` entries: addresses, CIDR blocks (`10.0.0.0/8`,
 * `fd00::/8`) and `loopback`. Throws an Error naming the bad entry.
 */
export declare function trustedProxies(entries: readonly string[]): TrustedProxies;
/**
 * The client's address for `req`: the peer, or, when the peer is a trusted
 * proxy, the right-most untrusted forwarded address. An entry that is not an
 * address (`unknown`, an obfuscated `_id`, garbage) ends the walk at the last
 * trusted hop, which is then the best address known.
 */
export declare function clientAddressFrom(req: IncomingMessage, trusted: TrustedProxies): string;
/** The key a per-address cap counts under (IPv6 by /64): the WebSocket library's rule, shared. */
export { addressGroup } from '../websocket/address.ts';
