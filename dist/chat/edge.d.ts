/**
 * What stays with one connection and never goes through the log: parsing
 * and checking its frames, its rate limit and typing throttle, and its join
 * and idle deadlines. Pure: time comes in with each call. Junk is refused
 * here, before it could reach the log; what is left is an intent for the
 * node to carry out (a command for the log, a local read, a local reply).
 */
import type { Command } from './commands.ts';
import { type Ref } from './wire.ts';
export interface EdgeOptions {
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
}
export declare const DEFAULT_EDGE_OPTIONS: Readonly<EdgeOptions>;
/** A command of one connection, before the node adds the connection key (and a token where needed). */
export type ConnCommand = {
    t: 'join';
    name: string;
    topic: string;
    resume?: string;
    since?: number;
} | {
    t: 'move';
    topic: string;
} | {
    t: 'leave';
} | {
    t: 'say';
    text: string;
    ref?: Ref;
    ttl: number;
} | {
    t: 'dm';
    args: string;
    ref?: Ref;
} | {
    t: 'typing';
};
export type Intent = {
    kind: 'reply';
    frame: string;
} | {
    kind: 'command';
    command: ConnCommand;
} | {
    kind: 'list';
} | {
    kind: 'who';
} | {
    kind: 'quit';
}
/** The rate limit's last word: close with 1008. */
 | {
    kind: 'close';
    code: number;
    reason: string;
    detail: string;
}
/** A frame dropped by the rate limit (first of a run: say so in the log). */
 | {
    kind: 'rate_limited';
    firstOfRun: boolean;
};
export declare class EdgeConn {
    tokens: number;
    tokensAt: number;
    /** Start of the current run of dropped frames, if any. */
    limitedSince: number | undefined;
    lastDropAt: number;
    lastRateErrorAt: number | undefined;
    lastTypingAt: number | undefined;
    lastActivity: number;
    constructor(options: EdgeOptions, now: number);
}
export declare class ChatEdge {
    #private;
    readonly options: Readonly<EdgeOptions>;
    constructor(options?: Partial<EdgeOptions>);
    /** One text frame; `joined` is whether the connection is (or is about to be) in a topic. */
    receiveText(c: EdgeConn, text: string, joined: boolean, now: number): Intent[];
    receiveBinary(c: EdgeConn, now: number): Intent[];
    /** When a lobby connection that arrived (or left its topic) at `since` must have joined. */
    joinDeadline(since: number): number | undefined;
    /** When a joined connection becomes idle, if nothing else arrives. */
    idleDeadline(c: EdgeConn): number | undefined;
}
/** Fills in the connection key and, for joins, the new resume token. */
export declare function toCommand(command: ConnCommand, conn: string, token: string): Command;
