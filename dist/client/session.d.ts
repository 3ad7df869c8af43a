import { type ServerFrame } from './format.ts';
/**
 * Delay before reconnect attempt `attempt` (1-based): 0.5 s doubling to at most
 * 10 s, with ±20 % jitter so that clients dropped together do not return together.
 */
export declare function backoffDelay(attempt: number, random?: () => number): number;
interface RetryInfo {
    attempt: number;
    maxAttempts: number;
    delayMs: number;
    cause: string;
}
type EndInfo = {
    kind: 'closed';
    code: number;
    reason: string;
    requested: boolean;
} | {
    kind: 'failed';
    error: Error;
    gaveUp: boolean;
    attempts: number;
};
interface SessionHandlers {
    open(reconnected: boolean): void;
    text(data: string): void;
    binary(bytes: number): void;
    retrying(info: RetryInfo): void;
    /** Called once; the session does nothing after it. */
    ended(info: EndInfo): void;
}
export declare function errorText(error: Error): string;
/**
 * One logical connection to the server across reconnects. It knows nothing
 * of chat: the front end sends the join on `open`, and calls `healthy()` once
 * the server has accepted it, which resets the failure count.
 */
export declare class Session {
    #private;
    constructor(url: string, maxAttempts: number, handlers: SessionHandlers);
    get isOpen(): boolean;
    start(): void;
    send(text: string): boolean;
    healthy(): void;
    /** After /quit: the server's close that follows is the end, not a drop. */
    expectClose(): void;
    close(code?: number, reason?: string): void;
}
interface Outgoing {
    text: string;
    /** The server answers it with exactly one frame to us (ack, error, welcome, ...). */
    expectsReply: boolean;
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
    push(text: string, expectsReply: boolean): void;
    /** The join payload must precede lines queued while we were away. */
    unshift(text: string, expectsReply: boolean): void;
    /** For frames that may be dropped (typing): sent only if nothing waits and the budget allows. */
    sendIfIdle(text: string): void;
    pump(): void;
    stop(): void;
}
/** Frames the server sends to us in answer to one of ours (one each). */
export declare function isReply(frame: ServerFrame, self: string | undefined): boolean;
export declare function joinPayload(username: string, topic: string): string;
export declare function commandName(line: string): string;
export {};
