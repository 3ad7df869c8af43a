/**
 * The sans-I/O core of one WebSocket connection (RFC 6455): the connection's
 * state and the closing handshake, with no socket and no timer. Bytes from
 * the peer go in through `receive()`; what they mean comes out through the
 * handler's callbacks; what we send (`send`, `ping`, `close`) comes back as
 * the bytes to write; and `shouldCloseTransport` says when this endpoint
 * should now close the TCP connection. The I/O layer (connection.ts) writes
 * the bytes, closes the socket and runs the timers; this file decides.
 *
 * Events are callbacks delivered synchronously in wire order, not a list
 * returned after the whole chunk was parsed: if a chunk holds a message and
 * then the peer's Close, the application sees the message while we are still
 * OPEN, so a reply it sends leaves before our Close (python-websockets would
 * have answered the Close first and refused the reply).
 *
 * States (§4.1, §7): OPEN until a Close frame is sent (CLOSING), CLOSED once
 * the I/O layer reports the TCP connection gone (or we abandoned it).
 */
import { CloseCode } from "./close-codes.js";
import { deflatePayload } from "./deflate.js";
import { Opcode, encodeClose, encodeFrame, encodeMessage } from "./encoder.js";
import { WebSocketError } from "./errors.js";
import { DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, FrameParser } from "./frame-parser.js";
import { PreparedMessage } from "./prepared.js";
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
export class WebSocketProtocol {
    deflate;
    handler;
    parser;
    mask;
    currentState = ReadyState.OPEN;
    sentClose = false;
    receivedClose = false;
    initiator;
    code = CloseCode.ABNORMAL;
    reason = '';
    closeTransport = false;
    constructor(handler, options) {
        this.handler = handler;
        this.mask = options.role === 'client'; // §5.3: clients mask every frame
        this.deflate = options.deflate;
        this.parser = new FrameParser(this, {
            role: options.role,
            maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
            maxFragments: options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
            deflate: options.deflate,
        });
    }
    get role() {
        return this.mask ? 'client' : 'server';
    }
    get state() {
        return this.currentState;
    }
    /** We sent a Close frame. */
    get closeSent() {
        return this.sentClose;
    }
    /** The peer's Close frame arrived (later bytes are ignored). */
    get closeReceived() {
        return this.receivedClose;
    }
    /**
     * Who started the closing handshake: 'peer' if its Close arrived before we
     * sent ours, 'local' if we sent ours first (our close(), a protocol fault
     * we failed the connection for, a slow consumer), undefined while nobody
     * has (and for a connection that dropped without any Close: 1006).
     */
    get closeInitiator() {
        return this.initiator;
    }
    /**
     * The close code to report: the peer's (1005 if its Close had no code),
     * else ours when the peer never answered, else 1006 (no Close either way,
     * §7.1.5).
     */
    get closeCode() {
        return this.code;
    }
    get closeReason() {
        return this.reason;
    }
    /**
     * This endpoint should close the TCP connection once what is queued is
     * written: the server after the closing handshake (§7.1.1: the server
     * closes first, the client waits for it), either side after failing the
     * connection (§7.1.7) or abandoning it.
     */
    get shouldCloseTransport() {
        return this.closeTransport;
    }
    /** Feeds bytes from the peer (ownership passes: payloads are unmasked in place). */
    receive(chunk) {
        this.parser.push(chunk);
    }
    /**
     * The frame for a text (string) or binary message, compressed when
     * permessage-deflate was negotiated and the message is at least the
     * threshold long (see SendOptions); undefined unless OPEN.
     */
    send(data, options) {
        if (this.currentState !== ReadyState.OPEN)
            return undefined;
        const deflate = this.deflate;
        if (deflate !== undefined && options?.compress !== false) {
            // A string has at least as many UTF-8 bytes as UTF-16 units.
            const long = options?.compress === true ||
                data.length >= deflate.threshold ||
                (typeof data === 'string' && Buffer.byteLength(data) >= deflate.threshold);
            if (long) {
                const opcode = typeof data === 'string' ? Opcode.TEXT : Opcode.BINARY;
                return encodeFrame(opcode, deflatePayload(data, deflate), { mask: this.mask, compressed: true });
            }
        }
        return encodeMessage(data, { mask: this.mask });
    }
    /**
     * A message prepared once for many connections (server only: a client
     * masks each frame with its own key, §5.3); undefined unless OPEN.
     */
    sendPrepared(message) {
        if (this.currentState !== ReadyState.OPEN)
            return undefined;
        if (this.mask)
            throw new Error('sendPrepared is for server connections');
        return message instanceof PreparedMessage ? message.frameFor(this.deflate) : message;
    }
    ping(payload = '') {
        if (this.currentState !== ReadyState.OPEN)
            return undefined;
        return encodeFrame(Opcode.PING, payload, { mask: this.mask });
    }
    /**
     * Starts the closing handshake (§7.1.2): the Close frame to send, or
     * undefined if one was already sent or received. The I/O layer then waits
     * for the peer's Close (and, as a client, for the server to close TCP).
     */
    close(code = CloseCode.NORMAL, reason = '') {
        if (this.currentState !== ReadyState.OPEN)
            return undefined;
        this.initiator = 'local';
        this.code = code;
        this.reason = reason;
        return this.closeFrame(code, reason);
    }
    /**
     * Gives up on the connection now (a slow consumer): the Close frame to
     * send as a last word; the state is CLOSED at once and later input is
     * ignored, whatever the peer still answers.
     */
    abandon(code, reason) {
        const frame = encodeClose(code, reason, { mask: this.mask });
        this.sentClose = true;
        this.initiator ??= 'local';
        this.code = code;
        this.reason = reason;
        this.currentState = ReadyState.CLOSED;
        this.closeTransport = true;
        this.parser.stop();
        return frame;
    }
    /** The I/O layer reports the TCP connection closed (§7.1.4: the WebSocket connection is closed). */
    transportClosed() {
        this.currentState = ReadyState.CLOSED;
        this.parser.stop();
    }
    /** Our Close frame (§5.5.1); a code of undefined sends an empty body. */
    closeFrame(code, reason) {
        this.sentClose = true;
        this.currentState = ReadyState.CLOSING;
        return encodeClose(code, reason, { mask: this.mask });
    }
    // ---- DecoderHandler: what the frame parser found in the peer's bytes ----
    /** @internal */
    onMessage(data, isBinary) {
        // After our Close frame the application has said goodbye: drop data (§1.4).
        if (this.currentState === ReadyState.OPEN)
            this.handler.onMessage(data, isBinary);
    }
    /** @internal */
    onPing(payload) {
        // §5.5.2: answer with a Pong carrying the same payload, unless closing.
        if (this.currentState === ReadyState.OPEN) {
            this.handler.onOutput(encodeFrame(Opcode.PONG, payload, { mask: this.mask }), false);
        }
        this.handler.onPing(payload);
    }
    /** @internal */
    onPong(payload) {
        this.handler.onPong(payload);
    }
    /** @internal The parser has stopped: nothing after a Close is read (§5.5.1). */
    onClose(code, reason) {
        this.receivedClose = true;
        this.code = code;
        this.reason = reason;
        if (!this.sentClose) {
            this.initiator = 'peer';
            // §5.5.1: answer with a Close, echoing the code; 1005 means there was none.
            this.handler.onOutput(this.closeFrame(code === CloseCode.NO_STATUS ? undefined : code, ''), true);
        }
        // §7.1.1: the server closes the TCP connection first; a client waits for it.
        if (!this.mask)
            this.closeTransport = true;
        this.handler.onClose(code, reason);
    }
    /** @internal The parser has stopped: §7.1.7 "Fail the WebSocket Connection". */
    onFault(code, reason, errorCode) {
        this.handler.onFault(new WebSocketError(reason, errorCode, code));
        // The application may have closed while handling the fault; then its Close stands.
        if (!this.sentClose && this.currentState === ReadyState.OPEN) {
            this.initiator = 'local';
            this.code = code;
            this.reason = reason;
            this.handler.onOutput(this.closeFrame(code, reason), true);
        }
        this.closeTransport = true;
    }
}
