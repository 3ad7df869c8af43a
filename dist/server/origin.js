/**
 * `allowed` undefined: the server's own origin (an Origin whose host and port
 * equal the Host header) and requests with no Origin (not a browser).
 * `['*']`: anyone. Otherwise exactly the listed origins (and no Origin).
 */
export function originPolicy(allowed) {
    if (allowed?.includes('*'))
        return () => true;
    const listed = new Set((allowed ?? []).map((o) => o.toLowerCase().replace(/\/+$/, '')));
    return (origin, req) => {
        if (origin === undefined)
            return true;
        const normalized = origin.toLowerCase();
        if (allowed)
            return listed.has(normalized);
        try {
            return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
        }
        catch {
            return false; // "null" and other opaque origins
        }
    };
}
