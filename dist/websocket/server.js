/**
 * The server side: attaches to an `http.Server` or `https.Server`, runs the
 * opening handshake on its `upgrade` events and hands out connections.
 * Owns the limits that span connections (counts per server and per address,
 * the handshake timeout, the heartbeat round).
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { CloseCode } from "./close-codes.js";
import { ReadyState, WebSocketConnection } from "./connection.js";
import { addressGroup } from "./address.js";
import { acceptResponse, checkUpgradeRequest, errorResponse } from "./handshake.js";
import { acceptDeflateOffer } from "./permessage-deflate.js";
// Not `import ... from 'node:tls'`: an ES import of node:tls builds its whole
// namespace, which reads the lazy `rootCertificates` and keeps ~150 root CA
// certificates (about 220 KB) on every process's heap, TLS or not.
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
    /** Serves WebSocket upgrades on `server` (plain requests stay the server's business). */
    attach(server) {
        server.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head));
        const timeout = this.options.handshakeTimeoutMs ?? 10_000;
        if (timeout > 0) {
            // A client that connects and then sends nothing, or dribbles its request,
            // is dropped; the timer is cleared once the socket is upgraded or used for HTTP.
            // (No closure per socket: the timer gets the socket as its argument.)
            const onConnection = (socket) => {
                handshakeTimers.set(socket, setTimeout(dropSocket, timeout, socket).unref());
            };
            // Over TLS, the request arrives on the TLS socket, not the raw TCP one.
            server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', onConnection);
            server.on('request', (req) => endHandshakeTimer(req.socket));
        }
        return this;
    }
    /** Runs the handshake for one `upgrade` event. Never throws. */
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
    /**
     * Stops accepting upgrades and closes every connection with `code`
     * (1001 "going away" by default). Resolves once all are closed; the close
     * timeout bounds how long an unresponsive peer can delay that.
     */
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
    /** Bookkeeping when a connection ends: one function shared by all of them. */
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
        // Do not wait forever for a peer that never reads the answer.
        setTimeout(() => socket.destroy(), 1000).unref();
    }
}
const handshakeTimers = new WeakMap();
/** Shared by every socket (no closure each): a reset before or during the handshake just ends it. */
function destroyOnError() {
    this.destroy();
}
function dropSocket(socket) {
    handshakeTimers.delete(socket);
    socket.destroy();
}
/** The request arrived in time: forget the socket's handshake timer (and free it). */
function endHandshakeTimer(socket) {
    const timer = handshakeTimers.get(socket);
    if (timer === undefined)
        return;
    clearTimeout(timer);
    handshakeTimers.delete(socket);
}
