import { WebSocketError, type ErrorCode } from './errors.ts';
import { type DecoderHandler } from './frame-parser.ts';
import type { NegotiatedDeflate } from './permessage-deflate.ts';
import { PreparedMessage } from './prepared.ts';
export declare const ReadyState: {
    readonly CONNECTING: 0;
    readonly OPEN: 1;
    readonly CLOSING: 2;
    readonly CLOSED: 3;
};
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];
/** What the protocol reports, in the order the peer's bytes say it. */
export interface ProtocolHandler {
    /** A data message, only while OPEN: after our Close, data is dropped (§1.4, §5.5.1). */
    onMessage(data: string | Buffer, isBinary: boolean): void;
    /** A Ping; while OPEN its Pong was handed to onOutput just before (§5.5.2). */
    onPing(payload: Buffer): void;
    onPong(payload: Buffer): void;
    /**
     * The peer's Close frame (`code` 1005 when it had no body, §7.1.5). Our
     * echo, if we had not sent a Close yet, was handed to onOutput just before.
     */
    onClose(code: number, reason: string): void;
    /** The peer broke the protocol; our failing Close (§7.1.7) follows through onOutput unless one was sent. */
    onFault(error: WebSocketError): void;
    /** A frame the protocol sends by itself: a Pong, or a Close (an echo, or failing the connection). */
    onOutput(frame: Buffer, isClose: boolean): void;
}
export interface ProtocolOptions {
    role: 'server' | 'client';
    /** Largest incoming message in bytes (1009 beyond it). Default 16 MiB. */
    maxMessageSize?: number | undefined;
    /** Most fragments in one incoming message (1009 beyond it). Default 100,000. */
    maxFragments?: number | undefined;
    /** permessage-deflate as negotiated in the handshake, if it was. */
    deflate?: NegotiatedDeflate | undefined;
}
export interface SendOptions {
    /**
     * With permessage-deflate negotiated: true compresses this message whatever
     * its size, false sends it plain; by default it is compressed from the
     * agreed threshold up. Without the extension it has no effect.
     */
    compress?: boolean;
}
export declare class WebSocketProtocol implements DecoderHandler {
    readonly deflate: NegotiatedDeflate | undefined;
    private readonly handler;
    private readonly parser;
    private readonly mask;
    private currentState;
    private sentClose;
    private receivedClose;
    private initiator;
    private code;
    private reason;
    private closeTransport;
    constructor(handler: ProtocolHandler, options: ProtocolOptions);
    get role(): 'server' | 'client';
    get state(): ReadyState;
    /** We sent a Close frame. */
    get closeSent(): boolean;
    /** The peer's Close frame arrived (later bytes are ignored). */
    get closeReceived(): boolean;
    /**
     * Who started the closing handshake: 'peer' if its Close arrived before we
     * sent ours, 'local' if we sent ours first (our close(), a protocol fault
     * we failed the connection for, a slow consumer), undefined while nobody
     * has (and for a connection that dropped without any Close: 1006).
     */
    get closeInitiator(): 'local' | 'peer' | undefined;
    /**
     * The close code to report: the peer's (1005 if its Close had no code),
     * else ours when the peer never answered, else 1006 (no Close either way,
     * §7.1.5).
     */
    get closeCode(): number;
    get closeReason(): string;
    /**
     * This endpoint should close the TCP connection once what is queued is
     * written: the server after the closing handshake (§7.1.1: the server
     * closes first, the client waits for it), either side after failing the
     * connection (§7.1.7) or abandoning it.
     */
    get shouldCloseTransport(): boolean;
    /** Feeds bytes from the peer (ownership passes: payloads are unmasked in place). */
    receive(chunk: Buffer): void;
    /**
     * The frame for a text (string) or binary message, compressed when
     * permessage-deflate was negotiated and the message is at least the
     * threshold long (see SendOptions); undefined unless OPEN.
     */
    send(data: string | Uint8Array, options?: SendOptions): Buffer | undefined;
    /**
     * A message prepared once for many connections (server only: a client
     * masks each frame with its own key, §5.3); undefined unless OPEN.
     */
    sendPrepared(message: Buffer | PreparedMessage): Buffer | undefined;
    ping(payload?: string | Uint8Array): Buffer | undefined;
    /**
     * Starts the closing handshake (§7.1.2): the Close frame to send, or
     * undefined if one was already sent or received. The I/O layer then waits
     * for the peer's Close (and, as a client, for the server to close TCP).
     */
    close(code?: number, reason?: string): Buffer | undefined;
    /**
     * Gives up on the connection now (a slow consumer): the Close frame to
     * send as a last word; the state is CLOSED at once and later input is
     * ignored, whatever the peer still answers.
     */
    abandon(code: number, reason: string): Buffer;
    /** The I/O layer reports the TCP connection closed (§7.1.4: the WebSocket connection is closed). */
    transportClosed(): void;
    /** Our Close frame (§5.5.1); a code of undefined sends an empty body. */
    private closeFrame;
    /** @internal */
    onMessage(data: string | Buffer, isBinary: boolean): void;
    /** @internal */
    onPing(payload: Buffer): void;
    /** @internal */
    onPong(payload: Buffer): void;
    /** @internal The parser has stopped: nothing after a Close is read (§5.5.1). */
    onClose(code: number, reason: string): void;
    /** @internal The parser has stopped: §7.1.7 "Fail the WebSocket Connection". */
    onFault(code: number, reason: string, errorCode: ErrorCode): void;
}
