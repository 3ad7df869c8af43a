/**
 * The chat wire protocol, typed: every frame a client may send and every
 * frame the server sends, the error codes and the application close codes.
 * One description shared by the server, the terminal client and the web
 * page (whose JSDoc imports these types), so that the three cannot drift.
 * Types only, plus the code tables: nothing here runs on a hot path.
 */
/** Error codes of `{"type": "error"}` frames; the connection stays open. */
export const ERROR_CODES = [
    'invalid_json',
    'invalid_join',
    'invalid_message',
    'not_joined',
    'empty_message',
    'message_too_long',
    'unknown_command',
    'user_not_found',
    'rate_limited',
    'unsupported_data',
    /** Cluster mode: Redis is unreachable; the request was not carried out. */
    'unavailable',
];
/**
 * Close codes the chat server uses (RFC 6455 §7.4.1 for 1000-1013; 4000-4999
 * are for applications, §7.4.2).
 */
export const ChatCloseCode = {
    /** `/quit`, or the idle timeout (reason `idle`). */
    NORMAL: 1000,
    /** Server shutting down. */
    GOING_AWAY: 1001,
    /** Join timeout, rate limit. */
    POLICY: 1008,
    /** Cluster mode: cut off from Redis long enough that the name went to someone else. */
    SERVICE_RESTART: 1012,
    /** Slow consumer. */
    TRY_AGAIN_LATER: 1013,
    /** Another connection resumed this session: do not reconnect. */
    REPLACED: 4000,
};
