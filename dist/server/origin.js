import { plainAddress } from "./proxy.js";
const DEFAULT_PORTS = { http: '80', https: '443', ws: '80', wss: '443' };
/**
 * `scheme://host:port`, lower case, with the default port explicit; undefined
 * for an opaque origin (`null`), a path, credentials or an unknown scheme.
 * `ws`/`wss` count as `http`/`https`: they name the same server, and browsers
 * never send them (some non-browser clients do).
 */
export function originTuple(origin) {
    const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^\s/?#@[\]:]+)(?::(\d{1,5}))?\/?$/i.exec(origin.trim());
    if (!match)
        return undefined;
    const scheme = match[1].toLowerCase();
    const defaultPort = DEFAULT_PORTS[scheme];
    if (defaultPort === undefined)
        return undefined;
    return tuple(scheme, match[2], match[3] ?? defaultPort);
}
function tuple(scheme, host, port) {
    let hostname;
    try {
        // The URL parser lower-cases and converts names to their ASCII (IDNA) form,
        // so an origin and a Host header spelling one name differently compare equal.
        hostname = new URL(`http://${host}`).hostname;
    }
    catch {
        return undefined;
    }
    const portNumber = Number(port);
    if (!(portNumber >= 0 && portNumber <= 65535))
        return undefined;
    const base = scheme === 'ws' ? 'http' : scheme === 'wss' ? 'https' : scheme;
    return `${base}://${hostname}:${portNumber}`;
}
/** The server's own origin for `req`: its scheme (TLS or not, or the trusted proxy's), the Host header, the default port. */
export function ownOrigin(req, trusted) {
    let scheme = req.socket.encrypted ? 'https' : 'http';
    if (trusted && trusted.has(plainAddress(req.socket.remoteAddress ?? ''))) {
        const proto = forwardedProto(req);
        if (proto === 'http' || proto === 'https')
            scheme = proto;
    }
    const host = /^(\[[0-9a-f:.]+\]|[^\s/?#@[\]:]+)(?::(\d{1,5}))?$/i.exec(req.headers.host ?? '');
    if (!host)
        return undefined;
    return tuple(scheme, host[1], host[2] ?? DEFAULT_PORTS[scheme]);
}
/** The scheme the client used, as the proxy next to us saw it (`X-Forwarded-Proto` or RFC 7239 `proto=`). */
function forwardedProto(req) {
    const header = req.headers['x-forwarded-proto'];
    const value = typeof header === 'string' ? header.split(',').pop() : /proto="?([a-z]+)"?\s*$/i.exec(req.headers.forwarded ?? '')?.[1];
    return value?.trim().toLowerCase();
}
/**
 * `allowed` undefined: the server's own origin and requests with no Origin
 * (not a browser). `['*']`: anyone. Otherwise the listed origins (and no Origin).
 * Throws on a listed entry that is not an origin, so a typo fails at start.
 */
export function originPolicy(allowed, trusted) {
    if (allowed?.includes('*'))
        return () => true;
    const listed = new Set();
    for (const entry of allowed ?? []) {
        const normalized = originTuple(entry);
        if (normalized === undefined)
            throw new Error(`not an origin (scheme://host[:port]): ${JSON.stringify(entry)}`);
        listed.add(normalized);
    }
    return (origin, req) => {
        if (origin === undefined)
            return true;
        const normalized = originTuple(origin);
        if (normalized === undefined)
            return false; // "null" and other opaque origins
        if (allowed)
            return listed.has(normalized);
        return normalized === ownOrigin(req, trusted);
    };
}
