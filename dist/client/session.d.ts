/**
 * Delay before reconnect attempt `attempt` (1-based): 0.5 s doubling to at most
 * 10 s, with ±20 % jitter so that clients dropped together do not return together.
 */
export declare function backoffDelay(attempt: number, random?: () => number): number;
/**
 * TLS verification failures (Node's OpenSSL codes): waiting will not make the
 * certificate trusted, so they end the session at once.
 */
export declare function isCertificateError(error: Error): boolean;
export interface SessionOptions {
    /** Failed attempts in a row before giving up. */
    maxAttempts: number;
    /** Extra trusted CA (PEM) for wss://. */
    ca?: string | undefined;
    /** False: do not verify the server certificate (`--insecure`). */
    rejectUnauthorized?: boolean | undefined;
    /** Ping interval; a ping unanswered by the next one drops the link. 0 = off. */
    keepaliveMs?: number | undefined;
}
interface RetryInfo {
    attempt: number;
    maxAttempts: number;
    delayMs: number;
    cause: string;
}
export type EndInfo = {
    kind: 'closed';
    code: number;
    reason: string;
    requested: boolean;
} | {
    kind: 'failed';
    error: Error;
    gaveUp: boolean;
    attempts: number;
    certificate: boolean;
};
export interface SessionHandlers {
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
    constructor(url: string, options: SessionOptions, handlers: SessionHandlers);
    get isOpen(): boolean;
    start(): void;
    send(text: string): boolean;
    healthy(): void;
    /** After /quit: the server's close that follows is the end, not a drop. */
    expectClose(): void;
    close(code?: number, reason?: string): void;
}
/** One line saying why the session ended (not for an end we asked for). */
export declare function describeEnd(info: EndInfo, url: string): string;
export {};
