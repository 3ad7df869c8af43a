/**
 * One WebSocket connection: binds the sans-I/O decoder and encoder to a
 * socket. It owns what the codec cannot: writing (batched per event-loop
 * turn), backpressure limits, the closing handshake and its timeout, and
 * heartbeat state. Server and client connections are the same class.
 */
import { EventEmitter } from 'node:events';
import { CloseCode } from "./close-codes.js";
import { deflatePayload } from "./deflate.js";
import { Opcode, encodeClose, encodeFrame, encodeMessage } from "./encoder.js";
import { WebSocketError } from "./errors.js";
import { DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, FrameParser } from "./frame-parser.js";
import { PreparedMessage } from "./prepared.js";
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
const OWNER = Symbol('wschat.connection');
function onSocketData(chunk) {
    this[OWNER].onData(chunk);
}
function onSocketError(error) {
    this[OWNER].onSocketError(error);
}
function onSocketClose() {
    this[OWNER].onSocketClose();
}
/** A peer that half-closes without a Close frame is gone (§7.1.5: 1006). */
function onSocketEnd() {
    if (!this.writableEnded)
        this.end();
}
/** Output queued in one turn beyond this is written at once (one write per 64 KiB). */
const EARLY_FLUSH_BYTES = 64 * 1024;
/**
 * Connections with output waiting for this turn's flush. One setImmediate
 * flushes them all, so frames sent to a connection during one event-loop turn
 * leave in one socket write, however many there were.
 */
const dirty = [];
let flushScheduled = false;
function scheduleFlush(connection) {
    dirty.push(connection);
    if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushDirty);
    }
}
function flushDirty() {
    flushScheduled = false;
    // Connections dirtied while flushing wait for the next turn.
    const batch = dirty.splice(0, dirty.length);
    for (const connection of batch)
        connection.flush();
}
export class WebSocketConnection extends EventEmitter {
    protocol;
    remoteAddress;
    /** The Sec-WebSocket-Extensions value agreed in the handshake ('' for none), as in browsers. */
    extensions;
    /** permessage-deflate as negotiated, or undefined. */
    deflate;
    /** Free for the application to use (e.g. a session id). */
    id = 0;
    socket;
    role;
    decoder;
    closeTimeoutMs;
    maxBufferedAmount;
    state = ReadyState.OPEN;
    pending = [];
    pendingBytes = 0;
    queued = false;
    endAfterFlush = false;
    closeSent = false;
    closeReceived = false;
    closeCode = CloseCode.ABNORMAL;
    closeReason = '';
    closeTimer;
    onClosed;
    /** Cleared by each heartbeat, set by any byte from the peer. */
    heardFrom = true;
    constructor(socket, options, head) {
        super();
        this.socket = socket;
        this.role = options.role;
        this.protocol = options.protocol;
        this.remoteAddress = options.remoteAddress;
        this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
        this.maxBufferedAmount = options.maxBufferedAmount ?? 0;
        this.deflate = options.deflate;
        this.extensions = options.deflate?.header ?? '';
        this.decoder = new FrameParser(this, {
            role: options.role,
            maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
            maxFragments: options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
            deflate: options.deflate,
        });
        this.onClosed = options.onClosed;
        // Shared listener functions find the connection through the socket, so a
        // connection costs no closures (memory per idle connection counts).
        socket[OWNER] = this;
        socket.on('data', onSocketData);
        socket.on('error', onSocketError);
        socket.on('close', onSocketClose);
        socket.on('end', onSocketEnd);
        if (head && head.length > 0)
            queueMicrotask(() => this.onData(head));
    }
    get readyState() {
        return this.state;
    }
    /** Bytes accepted by send() that the kernel has not taken yet. */
    get bufferedAmount() {
        return this.pendingBytes + this.socket.writableLength;
    }
    /**
     * Sends a text (string) or binary (bytes) message, compressed when
     * permessage-deflate was negotiated and it is at least the threshold long
     * (see SendOptions). True only if the frame was queued: false when the
     * connection is closing or closed, or was just dropped as a slow consumer.
     */
    send(data, options) {
        if (this.state !== ReadyState.OPEN)
            return false;
        const mask = this.role === 'client';
        const deflate = this.deflate;
        if (deflate !== undefined && options?.compress !== false) {
            // A string has at least as many UTF-8 bytes as UTF-16 units.
            const long = options?.compress === true ||
                data.length >= deflate.threshold ||
                (typeof data === 'string' && Buffer.byteLength(data) >= deflate.threshold);
            if (long) {
                const opcode = typeof data === 'string' ? Opcode.TEXT : Opcode.BINARY;
                return this.enqueue(encodeFrame(opcode, deflatePayload(data, deflate), { mask, compressed: true }));
            }
        }
        return this.enqueue(encodeMessage(data, { mask }));
    }
    /**
     * Sends a message prepared once for many connections: a PreparedMessage
     * (its compressed frame if this connection negotiated permessage-deflate
     * and the message wants it, else its plain frame) or a frame made by
     * `encodeMessage` (unmasked). Server connections only: a client must mask
     * each frame with its own key (§5.3). Returns what send() returns.
     */
    sendPrepared(message) {
        if (this.state !== ReadyState.OPEN)
            return false;
        if (this.role === 'client')
            throw new Error('sendPrepared is for server connections');
        return this.enqueue(message instanceof PreparedMessage ? message.frameFor(this.deflate) : message);
    }
    ping(payload = '') {
        if (this.state !== ReadyState.OPEN)
            return false;
        return this.enqueue(encodeFrame(Opcode.PING, payload, { mask: this.role === 'client' }));
    }
    /**
     * Starts the closing handshake (§7.1.2). The TCP connection is closed once
     * the peer answers, or after the close timeout if it does not.
     */
    close(code = CloseCode.NORMAL, reason = '') {
        if (this.state !== ReadyState.OPEN)
            return;
        this.sendClose(code, reason);
    }
    /** Drops the TCP connection at once, without a closing handshake. */
    terminate() {
        this.pending = [];
        this.pendingBytes = 0;
        this.socket.destroy();
    }
    /**
     * For a heartbeat timer: false if nothing arrived since the last call (the
     * caller should terminate); otherwise pings and starts a new round.
     */
    heartbeat() {
        if (this.state !== ReadyState.OPEN)
            return true;
        if (!this.heardFrom)
            return false;
        this.heardFrom = false;
        this.ping();
        return true;
    }
    /** Writes this turn's frames in one socket write. Called by the scheduler. */
    flush() {
        this.queued = false;
        const count = this.pending.length;
        if (count > 0 && this.socket.writable) {
            const data = count === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
            this.pending = [];
            this.pendingBytes = 0;
            this.socket.write(data);
        }
        if (this.endAfterFlush) {
            this.endAfterFlush = false;
            if (this.socket.writable)
                this.socket.end();
        }
    }
    enqueue(frame) {
        // Only what is already waiting counts, not this frame: a peer that reads
        // is never dropped for one large message (a welcome with history).
        if (this.maxBufferedAmount > 0 && this.bufferedAmount > this.maxBufferedAmount) {
            this.dropSlowConsumer();
            return false;
        }
        this.pending.push(frame);
        this.pendingBytes += frame.length;
        if (this.pendingBytes >= EARLY_FLUSH_BYTES) {
            // A big burst in one turn goes to the kernel now rather than piling up
            // here, so the buffer cap measures what the peer has not read.
            this.flush();
        }
        else if (!this.queued) {
            this.queued = true;
            scheduleFlush(this);
        }
        return true;
    }
    /**
     * The peer is not reading fast enough: forget what is queued, say why in a
     * close frame (it only arrives if the peer drains the socket) and drop the
     * connection soon, so its buffers are freed.
     */
    dropSlowConsumer() {
        this.pending = [];
        this.pendingBytes = 0;
        this.closeSent = true;
        this.closeCode = CloseCode.TRY_AGAIN_LATER;
        this.closeReason = 'slow consumer';
        this.socket.end(encodeClose(CloseCode.TRY_AGAIN_LATER, 'slow consumer', { mask: this.role === 'client' }));
        this.armCloseTimer(Math.min(this.closeTimeoutMs, 1000));
        // For the application the connection is over now: nothing more will be
        // written to it, so it must not count as a recipient while the socket
        // drains. The event waits for the next tick because we are inside a
        // send(), possibly in the middle of the caller's loop over recipients.
        this.state = ReadyState.CLOSED;
        this.decoder.stop();
        process.nextTick(() => this.finish());
    }
    sendClose(code, reason) {
        this.closeSent = true;
        if (!this.closeReceived) {
            this.closeCode = code ?? CloseCode.NO_STATUS;
            this.closeReason = reason;
        }
        this.state = ReadyState.CLOSING;
        this.pending.push(encodeClose(code, reason, { mask: this.role === 'client' }));
        this.pendingBytes += this.pending[this.pending.length - 1].length;
        if (!this.queued) {
            this.queued = true;
            scheduleFlush(this);
        }
        this.armCloseTimer(this.closeTimeoutMs);
    }
    armCloseTimer(ms) {
        if (this.closeTimer)
            return;
        this.closeTimer = setTimeout(() => this.socket.destroy(), ms);
        this.closeTimer.unref();
    }
    /** @internal Called by the shared socket listeners below. */
    onData(chunk) {
        this.heardFrom = true;
        this.decoder.push(chunk);
    }
    // ---- DecoderHandler: what the codec found in the peer's bytes ----
    onMessage(data, isBinary) {
        // After our Close frame, the application has said goodbye: drop data (§1.4).
        if (this.state !== ReadyState.OPEN)
            return;
        this.emit('message', data, isBinary);
    }
    onPing(payload) {
        // §5.5.2: answer with a Pong carrying the same payload, unless closing.
        if (this.state === ReadyState.OPEN) {
            this.enqueue(encodeFrame(Opcode.PONG, payload, { mask: this.role === 'client' }));
        }
        this.emit('ping', payload);
    }
    onPong(payload) {
        this.emit('pong', payload);
    }
    onClose(code, reason) {
        this.closeReceived = true;
        this.closeCode = code;
        this.closeReason = reason;
        // §5.5.1: echo the Close unless we already sent ours; 1005 means "no code".
        if (!this.closeSent)
            this.sendClose(code === CloseCode.NO_STATUS ? undefined : code, '');
        // §7.1.1: the server closes the TCP connection first; a client waits for it.
        if (this.role === 'server')
            this.endAfterFlush = true;
        if (!this.queued)
            this.flush();
    }
    onFault(code, reason, errorCode) {
        // §7.1.7 "Fail the WebSocket Connection": send a Close, then close TCP.
        if (this.listenerCount('error') > 0)
            this.emit('error', new WebSocketError(reason, errorCode, code));
        if (!this.closeSent) {
            this.sendClose(code, reason);
            this.closeCode = code;
            this.closeReason = reason;
        }
        this.endAfterFlush = true;
        if (!this.queued)
            this.flush();
    }
    /** @internal */
    onSocketError(error) {
        // Resets and timeouts from the peer are normal on the internet: report, never throw.
        if (this.listenerCount('error') > 0)
            this.emit('error', error);
        this.socket.destroy();
    }
    /** @internal */
    onSocketClose() {
        if (this.state === ReadyState.CLOSED)
            return;
        this.state = ReadyState.CLOSED;
        this.decoder.stop();
        if (this.closeTimer)
            clearTimeout(this.closeTimer);
        this.pending = [];
        this.pendingBytes = 0;
        this.finish();
    }
    finish() {
        this.onClosed?.(this);
        this.emit('close', this.closeCode, this.closeReason);
    }
}
