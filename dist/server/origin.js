import { plainAddress } from "./proxy.js";
const DEFAULT_PORTS = { http: '80', https: '443', ws: '80', wss: '443' };
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
function forwardedProto(req) {
    const header = req.headers['x-forwarded-proto'];
    const value = typeof header === 'string' ? header.split(',').pop() : /proto="?([a-z]+)"?\s*$/i.exec(req.headers.forwarded ?? '')?.[1];
    return value?.trim().toLowerCase();
}
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
            return false;
        if (allowed)
            return listed.has(normalized);
        return normalized === ownOrigin(req, trusted);
    };
}
