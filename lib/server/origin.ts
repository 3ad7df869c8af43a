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
import type { TLSSocket } from 'node:tls';
import { type TrustedProxies, plainAddress } from './proxy.ts';

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

/**
 * `scheme://host:port`, lower case, with the default port explicit; undefined
 * for an opaque origin (`null`), a path, credentials or an unknown scheme.
 * `ws`/`wss` count as `http`/`https`: they name the same server, and browsers
 * never send them (some non-browser clients do).
 */
export function originTuple(origin: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^\s/?#@[\]:]+)(?::(\d{1,5}))?\/?$/i.exec(origin.trim());
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const defaultPort = DEFAULT_PORTS[scheme];
  if (defaultPort === undefined) return undefined;
  return tuple(scheme, match[2]!, match[3] ?? defaultPort);
}

function tuple(scheme: string, host: string, port: string): string | undefined {
  let hostname: string;
  try {
    // The URL parser lower-cases and converts names to their ASCII (IDNA) form,
    // so an origin and a Host header spelling one name differently compare equal.
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
  const portNumber = Number(port);
  if (!(portNumber >= 0 && portNumber <= 65535)) return undefined;
  const base = scheme === 'ws' ? 'http' : scheme === 'wss' ? 'https' : scheme;
  return `${base}://${hostname}:${portNumber}`;
}

/** The server's own origin for `req`: its scheme (TLS or not, or the trusted proxy's), the Host header, the default port. */
export function ownOrigin(req: IncomingMessage, trusted?: TrustedProxies): string | undefined {
  let scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (trusted && trusted.has(plainAddress(req.socket.remoteAddress ?? ''))) {
    const proto = forwardedProto(req);
    if (proto === 'http' || proto === 'https') scheme = proto;
  }
  const host = /^(\[[0-9a-f:.]+\]|[^\s/?#@[\]:]+)(?::(\d{1,5}))?$/i.exec(req.headers.host ?? '');
  if (!host) return undefined;
  return tuple(scheme, host[1]!, host[2] ?? DEFAULT_PORTS[scheme]!);
}

/** The scheme the client used, as the proxy next to us saw it (`X-Forwarded-Proto` or RFC 7239 `proto=`). */
function forwardedProto(req: IncomingMessage): string | undefined {
  const header = req.headers['x-forwarded-proto'];
  const value = typeof header === 'string' ? header.split(',').pop() : /proto="?([a-z]+)"?\s*$/i.exec(req.headers.forwarded ?? '')?.[1];
  return value?.trim().toLowerCase();
}

/**
 * `allowed` undefined: the server's own origin and requests with no Origin
 * (not a browser). `['*']`: anyone. Otherwise the listed origins (and no Origin).
 * Throws on a listed entry that is not an origin, so a typo fails at start.
 */
export function originPolicy(
  allowed: readonly string[] | undefined,
  trusted?: TrustedProxies,
): (origin: string | undefined, req: IncomingMessage) => boolean {
  if (allowed?.includes('*')) return () => true;
  const listed = new Set<string>();
  for (const entry of allowed ?? []) {
    const normalized = originTuple(entry);
    if (normalized === undefined) throw new Error(`not an origin (scheme://host[:port]): ${JSON.stringify(entry)}`);
    listed.add(normalized);
  }
  return (origin, req) => {
    if (origin === undefined) return true;
    const normalized = originTuple(origin);
    if (normalized === undefined) return false; // "null" and other opaque origins
    if (allowed) return listed.has(normalized);
    return normalized === ownOrigin(req, trusted);
  };
}
