/**
 * Frames waiting to be sent, paced under the server's rate limit, held while
 * the client is disconnected.
 */
export interface Outgoing {
    text: string;
    /** The server answers it with exactly one frame to us (ack, error, welcome, ...). */
    expectsReply: boolean;
    /** The `ref` of a chat message, so that the chat state knows when it left. */
    ref?: number;
}
/**
 * Frames waiting to be sent, paced by a token bucket under the server's
 * default rate limit (50 frames/s, burst 100) so that a paste or a piped file
 * is not dropped with `rate_limited`. Frames wait here while disconnected.
 */
export declare class Outbox {
    #private;
    constructor(trySend: (text: string) => boolean, onSent: (item: Outgoing) => void);
    get size(): number;
    push(text: string, expectsReply: boolean, ref?: number): void;
    /** The join payload must precede lines queued while we were away. */
    unshift(text: string, expectsReply: boolean): void;
    /** For frames that may be dropped (typing): sent only if nothing waits and the budget allows. */
    sendIfIdle(text: string): void;
    pump(): void;
    stop(): void;
}
