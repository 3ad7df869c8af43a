import { EventEmitter } from 'node:events';
import { CloseCode } from "./close-codes.js";
import { afterWrite, gatherFrames } from "./gather.js";
import { ReadyState, WebSocketProtocol } from "./protocol.js";
export { ReadyState } from "./protocol.js";
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
function onSocketEnd() {
    if (!this.writableEnded)
        this.end();
}
const EARLY_FLUSH_BYTES = 64 * 1024;
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
    const batch = dirty.splice(0, dirty.length);
    for (const connection of batch)
        connection.flush();
}
export class WebSocketConnection extends EventEmitter {
    protocol;
    remoteAddress;
    id = 0;
    socket;
    core;
    closeTimeoutMs;
    maxBufferedAmount;
    pending = [];
    pendingBytes = 0;
    queued = false;
    endAfterFlush = false;
    transportEnding = false;
    closeTimer;
    onClosed;
    heardFrom = true;
    constructor(socket, options, head) {
        super();
        this.socket = socket;
        this.protocol = options.protocol;
        this.remoteAddress = options.remoteAddress;
        this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
        this.maxBufferedAmount = options.maxBufferedAmount ?? 0;
        this.core = new WebSocketProtocol(this, {
            role: options.role,
            maxMessageSize: options.maxMessageSize,
            maxFragments: options.maxFragments,
            deflate: options.deflate,
        });
        this.onClosed = options.onClosed;
        socket[OWNER] = this;
        socket.on('data', onSocketData);
        socket.on('error', onSocketError);
        socket.on('close', onSocketClose);
        socket.on('end', onSocketEnd);
        if (head && head.length > 0)
            queueMicrotask(() => this.onData(head));
    }
    get extensions() {
        return this.core.deflate?.header ?? '';
    }
    get deflate() {
        return this.core.deflate;
    }
    get readyState() {
        return this.core.state;
    }
    get closedByPeer() {
        return this.core.closeInitiator === 'peer';
    }
    get bufferedAmount() {
        return this.pendingBytes + this.socket.writableLength;
    }
    send(data, options) {
        const frame = this.core.send(data, options);
        return frame !== undefined && this.enqueue(frame);
    }
    sendPrepared(message) {
        const frame = this.core.sendPrepared(message);
        return frame !== undefined && this.enqueue(frame);
    }
    ping(payload = '') {
        const frame = this.core.ping(payload);
        return frame !== undefined && this.enqueue(frame);
    }
    close(code = CloseCode.NORMAL, reason = '') {
        const frame = this.core.close(code, reason);
        if (frame !== undefined)
            this.queueClose(frame);
    }
    terminate() {
        this.pending = [];
        this.pendingBytes = 0;
        this.socket.destroy();
    }
    heartbeat() {
        if (this.core.state !== ReadyState.OPEN)
            return true;
        if (!this.heardFrom)
            return false;
        this.heardFrom = false;
        this.ping();
        return true;
    }
    flush() {
        this.queued = false;
        const count = this.pending.length;
        if (count > 0 && this.socket.writable) {
            const data = count === 1 ? this.pending[0] : gatherFrames(this.socket, this.pending, this.pendingBytes);
            this.pending = [];
            this.pendingBytes = 0;
            this.socket.write(data);
            afterWrite(this.socket, data);
        }
        if (this.endAfterFlush) {
            this.endAfterFlush = false;
            if (this.socket.writable)
                this.socket.end();
        }
    }
    enqueue(frame) {
        if (this.maxBufferedAmount > 0 && this.bufferedAmount > this.maxBufferedAmount) {
            this.dropSlowConsumer();
            return false;
        }
        this.pending.push(frame);
        this.pendingBytes += frame.length;
        if (this.pendingBytes >= EARLY_FLUSH_BYTES) {
            this.flush();
        }
        else if (!this.queued) {
            this.queued = true;
            scheduleFlush(this);
        }
        return true;
    }
    dropSlowConsumer() {
        const accepted = this.pending;
        this.pending = [];
        this.pendingBytes = 0;
        if (accepted.length > 0 && this.socket.writable)
            this.socket.write(accepted.length === 1 ? accepted[0] : Buffer.concat(accepted));
        this.socket.end(this.core.abandon(CloseCode.TRY_AGAIN_LATER, 'slow consumer'));
        this.armCloseTimer(Math.min(this.closeTimeoutMs, 1000));
        process.nextTick(() => this.finish());
    }
    queueClose(frame) {
        this.pending.push(frame);
        this.pendingBytes += frame.length;
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
    onData(chunk) {
        this.heardFrom = true;
        this.core.receive(chunk);
        if (this.core.shouldCloseTransport && !this.transportEnding) {
            this.transportEnding = true;
            this.endAfterFlush = true;
            if (!this.queued)
                this.flush();
        }
    }
    onMessage(data, isBinary) {
        this.emit('message', data, isBinary);
    }
    onPing(payload) {
        this.emit('ping', payload);
    }
    onPong(payload) {
        this.emit('pong', payload);
    }
    onClose() { }
    onFault(error) {
        if (this.listenerCount('error') > 0)
            this.emit('error', error);
    }
    onOutput(frame, isClose) {
        if (isClose)
            this.queueClose(frame);
        else
            this.enqueue(frame);
    }
    onSocketError(error) {
        if (this.listenerCount('error') > 0)
            this.emit('error', error);
        this.socket.destroy();
    }
    onSocketClose() {
        if (this.closeTimer)
            clearTimeout(this.closeTimer);
        if (this.core.state === ReadyState.CLOSED)
            return;
        this.core.transportClosed();
        this.pending = [];
        this.pendingBytes = 0;
        this.finish();
    }
    finish() {
        this.onClosed?.(this);
        this.emit('close', this.core.closeCode, this.core.closeReason);
    }
}
