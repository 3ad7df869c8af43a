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
        this.mask = options.role === 'client';
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
    get closeSent() {
        return this.sentClose;
    }
    get closeReceived() {
        return this.receivedClose;
    }
    get closeInitiator() {
        return this.initiator;
    }
    get closeCode() {
        return this.code;
    }
    get closeReason() {
        return this.reason;
    }
    get shouldCloseTransport() {
        return this.closeTransport;
    }
    receive(chunk) {
        this.parser.push(chunk);
    }
    send(data, options) {
        if (this.currentState !== ReadyState.OPEN)
            return undefined;
        const deflate = this.deflate;
        if (deflate !== undefined && options?.compress !== false) {
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
    close(code = CloseCode.NORMAL, reason = '') {
        if (this.currentState !== ReadyState.OPEN)
            return undefined;
        this.initiator = 'local';
        this.code = code;
        this.reason = reason;
        return this.closeFrame(code, reason);
    }
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
    transportClosed() {
        this.currentState = ReadyState.CLOSED;
        this.parser.stop();
    }
    closeFrame(code, reason) {
        this.sentClose = true;
        this.currentState = ReadyState.CLOSING;
        return encodeClose(code, reason, { mask: this.mask });
    }
    onMessage(data, isBinary) {
        if (this.currentState === ReadyState.OPEN)
            this.handler.onMessage(data, isBinary);
    }
    onPing(payload) {
        if (this.currentState === ReadyState.OPEN) {
            this.handler.onOutput(encodeFrame(Opcode.PONG, payload, { mask: this.mask }), false);
        }
        this.handler.onPing(payload);
    }
    onPong(payload) {
        this.handler.onPong(payload);
    }
    onClose(code, reason) {
        this.receivedClose = true;
        this.code = code;
        this.reason = reason;
        if (!this.sentClose) {
            this.initiator = 'peer';
            this.handler.onOutput(this.closeFrame(code === CloseCode.NO_STATUS ? undefined : code, ''), true);
        }
        if (!this.mask)
            this.closeTransport = true;
        this.handler.onClose(code, reason);
    }
    onFault(code, reason, errorCode) {
        this.handler.onFault(new WebSocketError(reason, errorCode, code));
        if (!this.sentClose && this.currentState === ReadyState.OPEN) {
            this.initiator = 'local';
            this.code = code;
            this.reason = reason;
            this.handler.onOutput(this.closeFrame(code, reason), true);
        }
        this.closeTransport = true;
    }
}
