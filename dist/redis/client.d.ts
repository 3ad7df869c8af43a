/**
 * One connection to Redis that stays up by itself: pipelined commands (Redis
 * answers in the order it received them, so replies match commands FIFO),
 * AUTH and SELECT on every (re)connect, stall detection, and reconnection
 * forever with capped, jittered backoff.
 *
 * Nothing is queued across an outage: while the link is not ready a command is
 * refused at once, and a command in flight when the link breaks is rejected,
 * never resent, since Redis may already have executed it (see
 * RedisUnavailableError.maybeExecuted). The caller decides what is safe to retry.
 *
 * A blocking command (XREAD BLOCK, BLPOP, ...) holds the connection until it
 * returns, and every command behind it waits too. Give blocking reads a
 * connection of their own and a per-call timeoutMs above the block time. The
 * stall PING is only sent on an idle connection, so it never queues behind a
 * blocked read: a busy connection is watched through its commands' deadlines.
 */
import { EventEmitter } from 'node:events';
import type * as Tls from 'node:tls';
import { type RedisArg, type RedisReply, type RespParserOptions } from './resp.ts';
import { type RedisAddress } from './url.ts';
export interface RedisConnectionOptions {
    /** TCP connect plus AUTH/SELECT/PING must finish within this. Default 4000. */
    connectTimeoutMs?: number;
    /** How often an idle connection is probed with PING; 0 disables. Default 1000. */
    pingIntervalMs?: number;
    /** A PING unanswered this long means the link is broken. Default 4000. */
    stallTimeoutMs?: number;
    /** Default per-command deadline; past it the link is declared broken. Default stallTimeoutMs. */
    commandTimeoutMs?: number;
    /** First reconnect delay, doubled per failed attempt. Default 100. */
    reconnectMinDelayMs?: number;
    /** Cap of the reconnect delay before ±20 % jitter. Default 1000 (so at most 1.2 s). */
    reconnectMaxDelayMs?: number;
    /** Extra node:tls options for rediss:// (ca, cert, rejectUnauthorized, ...). */
    tlsOptions?: Tls.ConnectionOptions;
    /** Parser limits, and bulkAsBuffer to receive bulk strings as Buffers. */
    resp?: RespParserOptions;
}
export interface CommandOptions {
    /** This command's deadline; past it the link is declared broken. */
    timeoutMs?: number;
}
export interface ReconnectInfo {
    /** 1 for the first retry after a failure, counting up until 'ready'. */
    attempt: number;
    delayMs: number;
    error: Error;
}
export type RedisConnectionState = 'idle' | 'connecting' | 'handshaking' | 'ready' | 'waiting' | 'closed';
export interface RedisConnectionEvents {
    /** Connected, authenticated, database selected: commands are accepted. */
    ready: [];
    /** The link went down (or could not come up at start); once per outage. */
    down: [error: Error];
    /** A reconnect attempt is scheduled after `delayMs`. */
    reconnecting: [info: ReconnectInfo];
    /** close() was called and the socket is gone. */
    close: [];
}
export declare class RedisConnection extends EventEmitter<RedisConnectionEvents> {
    readonly address: RedisAddress;
    private readonly connectTimeoutMs;
    private readonly pingIntervalMs;
    private readonly stallTimeoutMs;
    private readonly commandTimeoutMs;
    private readonly reconnectMinDelayMs;
    private readonly reconnectMaxDelayMs;
    private readonly tlsOptions;
    private readonly respOptions;
    private currentState;
    private socket;
    private parser;
    private readonly pending;
    private corked;
    private attempt;
    /** 'down' is reported once per outage: when a ready link fails, or the first attempt does. */
    private up;
    private downReported;
    private connectTimer;
    private pingTimer;
    private reconnectTimer;
    private deadlineTimer;
    private deadlineAt;
    private deadlineCheck;
    private closed;
    /** Why the link last failed, for health reports. */
    lastError: Error | undefined;
    constructor(target: string | Partial<RedisAddress>, options?: RedisConnectionOptions);
    get state(): RedisConnectionState;
    get isReady(): boolean;
    /** Starts connecting; from then on the connection keeps itself up until close(). */
    connect(): this;
    /** Resolves when ready (at once if it is); rejects if closed first. */
    whenReady(): Promise<void>;
    /**
     * Sends one command. Resolves with the reply; rejects with RedisReplyError
     * for an error reply, RedisUnavailableError if the link is not ready or
     * breaks before the reply, TypeError for an argument that cannot be sent.
     */
    command(args: readonly RedisArg[], options?: CommandOptions): Promise<RedisReply>;
    /** Stops everything: rejects pending commands, clears every timer, closes the socket. */
    close(): Promise<void>;
    /** A method, not a field read, so that TypeScript does not narrow it across emit(). */
    private wasClosed;
    private openLink;
    /** AUTH and SELECT before anything else on every connection; PING answers -LOADING while Redis loads its data. */
    private handshake;
    private becomeReady;
    /** Only an idle link is probed: commands in flight carry their own deadlines. */
    private probe;
    private send;
    private onReply;
    private armDeadline;
    private checkDeadlines;
    /** The link is broken: drop it, report the outage once, and schedule a reconnect. */
    private fail;
    private dropLink;
    /** 100 ms doubling to 1 s by default, ±20 % so that many clients do not reconnect in step. */
    private scheduleReconnect;
}
