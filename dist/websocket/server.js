import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { CloseCode } from "./close-codes.js";
import { ReadyState, WebSocketConnection } from "./connection.js";
import { addressGroup } from "./address.js";
import { acceptResponse, checkUpgradeRequest, errorResponse } from "./handshake.js";
import { acceptDeflateOffer } from "./permessage-deflate.js";
const { Server: TlsServer } = createRequire(import.meta.url)('node:tls');
export class WebSocketServer extends EventEmitter {
    connections = new Set();
    options;
    perAddress = new Map();
    heartbeatTimer;
    accepting = true;
    constructor(options = {}) {
        super();
        this.options = options;
        const interval = options.heartbeatIntervalMs ?? 0;
        if (interval > 0) {
            this.heartbeatTimer = setInterval(() => this.heartbeatRound(), interval);
            this.heartbeatTimer.unref();
        }
    }
    attach(server) {
        server.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head));
        const timeout = this.options.handshakeTimeoutMs ?? 10_000;
        if (timeout > 0) {
            const onConnection = (socket) => {
                handshakeTimers.set(socket, setTimeout(dropSocket, timeout, socket).unref());
            };
            server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', onConnection);
            server.on('request', (req) => endHandshakeTimer(req.socket));
        }
        return this;
    }
    handleUpgrade(req, socket, head) {
        socket.on('error', destroyOnError);
        const result = checkUpgradeRequest(req, this.options);
        if (!result.ok)
            return this.refuse(socket, req, result.status, result.reason, result.headers);
        if (!this.accepting)
            return this.refuse(socket, req, 503, 'server is shutting down');
        const max = this.options.maxConnections ?? 0;
        if (max > 0 && this.connections.size >= max)
            return this.refuse(socket, req, 503, 'too many connections');
        const address = this.options.clientAddress?.(req) ?? req.socket.remoteAddress ?? '';
        const group = addressGroup(address);
        const perIp = this.options.maxConnectionsPerIp ?? 0;
        const fromAddress = this.perAddress.get(group) ?? 0;
        if (perIp > 0 && fromAddress >= perIp)
            return this.refuse(socket, req, 503, 'too many connections from this address');
        const deflateOptions = this.options.perMessageDeflate;
        const offer = req.headers['sec-websocket-extensions'];
        const deflate = deflateOptions && typeof offer === 'string'
            ? acceptDeflateOffer(offer, deflateOptions === true ? {} : deflateOptions)
            : undefined;
        endHandshakeTimer(req.socket);
        if ('setNoDelay' in socket)
            socket.setNoDelay(true);
        socket.write(acceptResponse(result.key, result.protocol, deflate?.header));
        const connection = new WebSocketConnection(socket, {
            role: 'server',
            maxMessageSize: this.options.maxMessageSize,
            maxFragments: this.options.maxFragments,
            closeTimeoutMs: this.options.closeTimeoutMs,
            maxBufferedAmount: this.options.maxBufferedAmount,
            protocol: result.protocol,
            remoteAddress: address,
            deflate,
            onClosed: this.forget,
        }, head);
        this.connections.add(connection);
        this.perAddress.set(group, fromAddress + 1);
        this.emit('connection', connection, req);
    }
    async closeAll(code = CloseCode.GOING_AWAY, reason = 'server shutting down') {
        this.accepting = false;
        if (this.heartbeatTimer)
            clearInterval(this.heartbeatTimer);
        const waiting = [];
        for (const connection of this.connections) {
            if (connection.readyState === ReadyState.CLOSED)
                continue;
            waiting.push(new Promise((resolve) => connection.once('close', () => resolve())));
            connection.close(code, reason);
        }
        await Promise.all(waiting);
    }
    forget = (connection) => {
        this.connections.delete(connection);
        const address = addressGroup(connection.remoteAddress ?? '');
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0)
            this.perAddress.set(address, left);
        else
            this.perAddress.delete(address);
    };
    heartbeatRound() {
        for (const connection of this.connections) {
            if (!connection.heartbeat())
                connection.terminate();
        }
    }
    refuse(socket, req, status, reason, headers) {
        this.emit('rejected', status, reason, req);
        if (socket.writable)
            socket.end(errorResponse(status, reason, headers));
        setTimeout(() => socket.destroy(), 1000).unref();
    }
}
const handshakeTimers = new WeakMap();
function destroyOnError() {
    this.destroy();
}
function dropSocket(socket) {
    handshakeTimers.delete(socket);
    socket.destroy();
}
function endHandshakeTimer(socket) {
    const timer = handshakeTimers.get(socket);
    if (timer === undefined)
        return;
    clearTimeout(timer);
    handshakeTimers.delete(socket);
}
