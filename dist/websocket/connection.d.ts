/**
 * One WebSocket connection: binds the sans-I/O protocol core (protocol.ts:
 * state, frames, the closing handshake) to a socket. It owns only what needs
 * I/O: writing (batched per event-loop turn), backpressure limits, closing
 * the socket when the protocol says so, the close timeout, and heartbeat
 * state. Server and client connections are the same class.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { WebSocketError } from './errors.ts';
import type { NegotiatedDeflate } from './permessage-deflate.ts';
import type { PreparedMessage } from './prepared.ts';
import { ReadyState, type ProtocolHandler, type SendOptions } from './protocol.ts';
export { ReadyState, type SendOptions } from './protocol.ts';
export interface ConnectionOptions {
    role: 'server' | 'client';
    /** Largest incoming message in bytes (1009 beyond it). Default 16 MiB. */
    maxMessageSize?: number;
    /** Most fragments in one incoming message (1009 beyond it). Default 100,000. */
    maxFragments?: number;
    /** How long to wait for the peer's part of the closing handshake. Default 5 s. */
    closeTimeoutMs?: number;
    /**
     * Slow-consumer cap: a frame is refused (and the connection dropped with
     * 1013) when the bytes already buffered before it exceed this; the frame
     * itself does not count, so one large frame to an idle peer always goes.
     * 0 = no cap.
     */
    maxBufferedAmount?: number;
    /** permessage-deflate as negotiated in the handshake, if it was. */
    deflate?: NegotiatedDeflate | undefined;
    /** The subprotocol agreed in the handshake, if any. */
    protocol?: string | undefined;
    remoteAddress?: string | undefined;
    /** Called once when the connection is over, before its 'close' event (for the owner's bookkeeping). */
    onClosed?: ((connection: WebSocketConnection) => void) | undefined;
}
export interface ConnectionEvents {
    message: [data: string | Buffer, isBinary: boolean];
    ping: [payload: Buffer];
    pong: [payload: Buffer];
    /** `code` is the peer's close code, or ours when the peer sent none, or 1006. */
    close: [code: number, reason: string];
    /** A protocol fault by the peer (a WebSocketError: we closed with its `closeCode`) or a socket error. */
    error: [error: Error & {
        closeCode?: number;
        code?: string;
    }];
}
export declare class WebSocketConnection extends EventEmitter<ConnectionEvents> implements ProtocolHandler {
    readonly protocol: string | undefined;
    readonly remoteAddress: string | undefined;
    /** Free for the application to use (e.g. a session id). */
    id: number;
    private readonly socket;
    private readonly core;
    private readonly closeTimeoutMs;
    private readonly maxBufferedAmount;
    private pending;
    private pendingBytes;
    private queued;
    private endAfterFlush;
    /** The protocol's shouldCloseTransport has been acted on. */
    private transportEnding;
    private closeTimer;
    private readonly onClosed;
    /** Cleared by each heartbeat, set by any byte from the peer. */
    private heardFrom;
    constructor(socket: Duplex, options: ConnectionOptions, head?: Buffer);
    /** The Sec-WebSocket-Extensions value agreed in the handshake ('' for none), as in browsers. */
    get extensions(): string;
    /** permessage-deflate as negotiated, or undefined. */
    get deflate(): NegotiatedDeflate | undefined;
    get readyState(): ReadyState;
    /**
     * True when the peer started the closing handshake: its Close frame came
     * before we sent ours (a client that said goodbye on purpose). False when
     * we started it (close(), a protocol fault, a slow consumer), when the
     * connection dropped without a Close frame (code 1006), or while open.
     */
    get closedByPeer(): boolean;
    /** Bytes accepted by send() that the kernel has not taken yet. */
    get bufferedAmount(): number;
    /**
     * Sends a text (string) or binary (bytes) message, compressed when
     * permessage-deflate was negotiated and it is at least the threshold long
     * (see SendOptions). True only if the frame was queued: false when the
     * connection is closing or closed, or was just dropped as a slow consumer.
     */
    send(data: string | Uint8Array, options?: SendOptions): boolean;
    /**
     * Sends a message prepared once for many connections: a PreparedMessage
     * (its compressed frame if this connection negotiated permessage-deflate
     * and the message wants it, else its plain frame) or a frame made by
     * `encodeMessage` (unmasked). Server connections only: a client must mask
     * each frame with its own key (§5.3). Returns what send() returns.
     */
    sendPrepared(message: Buffer | PreparedMessage): boolean;
    ping(payload?: string | Uint8Array): boolean;
    /**
     * Starts the closing handshake (§7.1.2). The TCP connection is closed once
     * the peer answers, or after the close timeout if it does not.
     */
    close(code?: number, reason?: string): void;
    /** Drops the TCP connection at once, without a closing handshake. */
    terminate(): void;
    /**
     * For a heartbeat timer: false if nothing arrived since the last call (the
     * caller should terminate); otherwise pings and starts a new round.
     */
    heartbeat(): boolean;
    /** Writes this turn's frames in one socket write. Called by the scheduler. */
    flush(): void;
    private enqueue;
    /**
     * The peer is not reading fast enough: say why in a close frame (it only
     * arrives if the peer drains the socket) and drop the connection soon, so
     * its buffers are freed. Frames already accepted this turn (send() said
     * true, so the application counted them as delivered) still go out first:
     * at most EARLY_FLUSH_BYTES more than the cap.
     */
    private dropSlowConsumer;
    /** A Close frame bypasses the slow-consumer cap, and starts the wait for the peer. */
    private queueClose;
    private armCloseTimer;
    /** @internal Called by the shared socket listeners below. */
    onData(chunk: Buffer): void;
    /** @internal */
    onMessage(data: string | Buffer, isBinary: boolean): void;
    /** @internal */
    onPing(payload: Buffer): void;
    /** @internal */
    onPong(payload: Buffer): void;
    /** @internal The 'close' event waits for the TCP connection to close. */
    onClose(): void;
    /** @internal */
    onFault(error: WebSocketError): void;
    /** @internal */
    onOutput(frame: Buffer, isClose: boolean): void;
    /** @internal */
    onSocketError(error: Error): void;
    /** @internal */
    onSocketClose(): void;
    private finish;
}
