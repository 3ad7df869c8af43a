/**
 * The chat state machine: topics, members, stored messages, timeouts and
 * rate limits. Pure: no sockets, no timers, no clock. Every call takes the
 * current time `now` (milliseconds) and returns the effects the server must
 * carry out, in the order the frames must be written.
 *
 * `now` is assumed never to decrease between calls; the deadline queues
 * rely on it (they are kept in insertion order, which is deadline order).
 */
export type ConnId = number;
export type Effect = 
/** One JSON text frame to one connection. */
{
    type: 'send';
    to: ConnId;
    frame: string;
}
/**
 * The same frame to many connections, skipping `except`. `to` may be the
 * core's live member array: valid only until the next call into the core.
 */
 | {
    type: 'broadcast';
    to: readonly ConnId[];
    except: ConnId | undefined;
    frame: string;
}
/** Close with a WebSocket close code. The core has already forgotten `conn`. */
 | {
    type: 'close';
    conn: ConnId;
    code: number;
    reason: string;
}
/** For the server's log: one per join and one per leave. */
 | {
    type: 'event';
    event: 'join' | 'leave';
    conn: ConnId;
    username: string;
    topic: string;
    reason?: string;
};
export interface ChatOptions {
    messageTtlMs: number;
    maxMessageLength: number;
    /** 0 = off. */
    joinTimeoutMs: number;
    /** 0 = off. */
    idleTimeoutMs: number;
    /** Chat frames per second per connection, burst twice that; 0 = off. */
    rateLimit: number;
    /** Still over the limit after this long: close 1008. */
    rateLimitCloseAfterMs: number;
    /** At most one typing broadcast per user per interval. */
    typingIntervalMs: number;
    /** Oldest messages of a topic are dropped beyond this (memory bound). */
    maxStoredPerTopic: number;
}
export declare const DEFAULT_CHAT_OPTIONS: Readonly<ChatOptions>;
export interface ChatStats {
    connections: number;
    topics: number;
    storedMessages: number;
    /** Chat messages accepted since start: topic messages and DMs. */
    messagesTotal: number;
}
export declare class ChatCore {
    #private;
    constructor(options?: Partial<ChatOptions>);
    get options(): Readonly<ChatOptions>;
    connect(conn: ConnId, now: number): Effect[];
    receiveText(conn: ConnId, text: string, now: number): Effect[];
    receiveBinary(conn: ConnId, now: number): Effect[];
    disconnect(conn: ConnId, reason: string, now: number): Effect[];
    tick(now: number): Effect[];
    nextDeadline(): number | undefined;
    stats(now: number): ChatStats;
}
