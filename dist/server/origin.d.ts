/**
 * Which `Origin` may open a chat WebSocket (RFC 6455 §10.2), against
 * cross-site WebSocket hijacking: a page on another site must not be able to
 * connect with the visitor's network position.
 *
 * Origins are compared as RFC 6454 §5 defines them: the triple (scheme, host,
 * port), with the scheme's default port filled in (§4 step 5: http and ws 80,
 * https and wss 443), so `http://x` and `http://x:80` are the same origin and
 * `https://x` is another.
 */
import type { IncomingMessage } from 'node:http';
import { type TrustedProxies } from './proxy.ts';
/**
 * `scheme://host:port`, lower case, with the default port explicit; undefined
 * for an opaque origin (`null`), a path, credentials or an unknown scheme.
 * `ws`/`wss` count as `http`/`https`: they name the same server, and browsers
 * never send them (some non-browser clients do).
 */
export declare function originTuple(origin: string): string | undefined;
/** The server's own origin for `req`: its scheme (TLS or not, or the trusted proxy's), the Host header, the default port. */
export declare function ownOrigin(req: IncomingMessage, trusted?: TrustedProxies): string | undefined;
/**
 * `allowed` undefined: the server's own origin and requests with no Origin
 * (not a browser). `['*']`: anyone. Otherwise the listed origins (and no Origin).
 * Throws on a listed entry that is not an origin, so a typo fails at start.
 */
export declare function originPolicy(allowed: readonly string[] | undefined, trusted?: TrustedProxies): (origin: string | undefined, req: IncomingMessage) => boolean;
