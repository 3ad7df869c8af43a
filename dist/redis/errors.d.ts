/** The errors our Redis client reports; callers tell them apart with instanceof. */
/**
 * Redis answered with an error reply (RESP "-" type). It is a value, not a
 * broken link: the connection goes on. `code` is the reply's first word
 * ('ERR', 'WRONGTYPE', 'NOAUTH', 'WRONGPASS', 'LOADING', 'READONLY', ...),
 * the convention the RESP spec describes under "Simple errors".
 */
export declare class RedisReplyError extends Error {
    readonly code: string;
    constructor(message: string);
}
/**
 * The command could not be carried out because the link to Redis is not up:
 * either it was refused before being sent (`maybeExecuted` false), or the link
 * broke while it was in flight (`maybeExecuted` true: Redis may or may not have
 * executed it; we never resend it, so the caller decides whether a retry is safe).
 */
export declare class RedisUnavailableError extends Error {
    readonly maybeExecuted: boolean;
    constructor(message: string, maybeExecuted: boolean, cause?: unknown);
}
/** The byte stream from Redis is not valid RESP2, or exceeds our bounds. Fatal for that connection. */
export declare class RespProtocolError extends Error {
    constructor(message: string);
}
/** A Redis URL that cannot be used: bad syntax, scheme, port or database number. */
export declare class RedisUrlError extends Error {
    constructor(message: string);
}
