/**
 * The chat server: an HTTP server (or HTTPS with TLS options) that serves
 * the chat WebSocket at /ws, /healthz, /metrics and the web page, and binds
 * the pure chat core to the connections. Data flows one way: bytes → frames
 * (WebSocket layer) → chat effects (core) → bytes. This file owns the only
 * clock and the only timer the core needs.
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { ChatCore } from "../chat/core.js";
import { CloseCode } from "../websocket/close-codes.js";
import { encodeMessage } from "../websocket/encoder.js";
import { errorResponse } from "../websocket/handshake.js";
import { WebSocketServer } from "../websocket/server.js";
import { originPolicy } from "./origin.js";
import { StaticFiles } from "./static-files.js";
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));
const PLACEHOLDER_PAGE = '<!doctype html><meta charset="utf-8"><title>wschat</title>' +
    '<p>wschat is running. Connect a WebSocket client to <code>/ws</code>.</p>\n';
export function createChatServer(options, logger, webRoot = WEB_ROOT) {
    const core = new ChatCore({
        messageTtlMs: options.messageTtl * 1000,
        maxMessageLength: options.maxMessageLength,
        joinTimeoutMs: options.joinTimeout * 1000,
        idleTimeoutMs: options.idleTimeout * 1000,
        rateLimit: options.rateLimit,
    });
    const connections = new Map();
    const staticFiles = new StaticFiles(webRoot);
    let nextId = 1;
    // ---- the one timer: wakes the core at its next deadline ----
    let timer;
    let timerAt = Infinity;
    const armTimer = () => {
        const deadline = core.nextDeadline();
        if (deadline === undefined || deadline >= timerAt)
            return;
        if (timer)
            clearTimeout(timer);
        timerAt = deadline;
        timer = setTimeout(onTimer, Math.max(0, deadline - Date.now()));
        timer.unref();
    };
    const onTimer = () => {
        timer = undefined;
        timerAt = Infinity;
        run(core.tick(Date.now()));
    };
    // ---- carrying out the core's effects ----
    const run = (effects) => {
        for (const effect of effects) {
            switch (effect.type) {
                case 'send':
                    connections.get(effect.to)?.send(effect.frame);
                    break;
                case 'broadcast': {
                    // Framed once, the same bytes queued for every recipient. `to` may be
                    // the core's live member list; sending never calls back into the
                    // core synchronously (connections emit 'close' on a later tick).
                    const frame = encodeMessage(effect.frame);
                    for (const id of effect.to) {
                        if (id !== effect.except)
                            connections.get(id)?.sendPrepared(frame);
                    }
                    break;
                }
                case 'close':
                    connections.get(effect.conn)?.close(effect.code, effect.reason);
                    break;
                case 'event':
                    logger.info(effect.event, { conn: effect.conn, user: effect.username, topic: effect.topic, reason: effect.reason });
                    break;
            }
        }
        armTimer();
    };
    // ---- HTTP ----
    const onRequest = (req, res) => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const pathname = q === -1 ? url : url.slice(0, q);
        if (pathname === '/healthz' || pathname === '/metrics') {
            if (req.method !== 'GET' && req.method !== 'HEAD')
                return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
            const stats = core.stats(Date.now());
            if (pathname === '/healthz') {
                const body = JSON.stringify({
                    status: 'ok',
                    connections: sockets.connections.size,
                    topics: stats.topics,
                    storedMessages: stats.storedMessages,
                });
                res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
                res.end(req.method === 'HEAD' ? undefined : body);
                return;
            }
            const body = [
                '# HELP chat_connections Open WebSocket connections, joined or not.',
                '# TYPE chat_connections gauge',
                `chat_connections ${sockets.connections.size}`,
                '# HELP chat_topics Topics with at least one user.',
                '# TYPE chat_topics gauge',
                `chat_topics ${stats.topics}`,
                '# HELP chat_messages_stored Messages held until they expire.',
                '# TYPE chat_messages_stored gauge',
                `chat_messages_stored ${stats.storedMessages}`,
                '# HELP chat_messages_total Chat messages accepted since start (topic messages and DMs).',
                '# TYPE chat_messages_total counter',
                `chat_messages_total ${stats.messagesTotal}`,
                '',
            ].join('\n');
            res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
            res.end(req.method === 'HEAD' ? undefined : body);
            return;
        }
        if (pathname === '/ws') {
            return plain(res, 426, 'this is the chat WebSocket endpoint: send an Upgrade request', {
                'Sec-WebSocket-Version': '13',
                Upgrade: 'websocket',
            });
        }
        if (staticFiles.serve(req, res, pathname))
            return;
        if (pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
            res.end(req.method === 'HEAD' ? undefined : PLACEHOLDER_PAGE);
            return;
        }
        plain(res, 404, 'not found');
    };
    const http = options.tlsCert && options.tlsKey
        ? createHttpsServer({
            cert: readFileSync(options.tlsCert),
            key: readFileSync(options.tlsKey),
            // The TLS handshake comes before the upgrade request: bound it too.
            ...(options.handshakeTimeout > 0 ? { handshakeTimeout: options.handshakeTimeout * 1000 } : {}),
        }, onRequest)
        : createHttpServer(onRequest);
    if (options.handshakeTimeout > 0)
        http.headersTimeout = options.handshakeTimeout * 1000;
    http.on('clientError', (error, socket) => {
        // Malformed or oversized requests: answer with the matching status, never crash.
        logger.debug('http_client_error', { code: error.code });
        if (error.code === 'ECONNRESET' || !socket.writable)
            return void socket.destroy();
        const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        socket.end(errorResponse(status, STATUS_CODES[status] ?? 'bad request'));
        setTimeout(() => socket.destroy(), 1000).unref();
    });
    const sockets = new WebSocketServer({
        paths: ['/ws'],
        allowOrigin: originPolicy(options.allowedOrigins),
        maxMessageSize: options.maxPayload,
        // Browsers send chat messages whole; a thousand pieces is already generous.
        maxFragments: 1024,
        handshakeTimeoutMs: options.handshakeTimeout * 1000,
        heartbeatIntervalMs: options.heartbeat * 1000,
        maxBufferedAmount: options.maxBuffered,
        maxConnections: options.maxConnections,
        maxConnectionsPerIp: options.maxConnectionsPerIp,
    }).attach(http);
    sockets.on('rejected', (status, reason, req) => {
        logger.info('upgrade_refused', { status, reason, addr: req.socket.remoteAddress, path: req.url });
    });
    // One listener function of each kind for every connection (they get the
    // connection as `this`): an idle connection then costs no closures.
    function onMessage(data, isBinary) {
        const id = this.id;
        try {
            const now = Date.now();
            run(isBinary ? core.receiveBinary(id, now) : core.receiveText(id, data, now));
        }
        catch (error) {
            // A bug while handling one connection must not reach the others.
            logger.error('server_error', { conn: id }, error);
            this.close(CloseCode.INTERNAL_ERROR, 'internal error');
        }
    }
    function onError(error) {
        if (error.closeCode !== undefined) {
            logger.warn('protocol_error', { conn: this.id, code: error.closeCode, reason: error.message });
        }
        else {
            logger.debug('socket_error', { conn: this.id, error: error.message });
        }
    }
    function onClose(code, reason) {
        const id = this.id;
        connections.delete(id);
        logger.info('disconnect', { conn: id, code, reason: reason || undefined });
        try {
            run(core.disconnect(id, 'disconnect', Date.now()));
        }
        catch (error) {
            logger.error('server_error', { conn: id }, error);
        }
    }
    sockets.on('connection', (connection, req) => {
        const id = nextId++;
        connection.id = id;
        connections.set(id, connection);
        logger.info('connect', { conn: id, addr: connection.remoteAddress, origin: req.headers.origin });
        connection.on('message', onMessage);
        connection.on('error', onError);
        connection.on('close', onClose);
        run(core.connect(id, Date.now()));
    });
    return {
        http,
        sockets,
        core,
        listen() {
            return new Promise((resolve, reject) => {
                http.once('error', reject);
                http.listen(options.port, options.host, () => {
                    http.off('error', reject);
                    resolve(http.address());
                });
            });
        },
        async shutdown(timeoutMs = 4000) {
            http.close();
            http.closeIdleConnections();
            let timeout;
            const gaveUp = new Promise((resolve) => {
                timeout = setTimeout(resolve, timeoutMs);
            });
            await Promise.race([sockets.closeAll(CloseCode.GOING_AWAY, 'server shutting down'), gaveUp]);
            clearTimeout(timeout);
            for (const connection of sockets.connections)
                connection.terminate();
            if (timer)
                clearTimeout(timer);
        },
    };
}
function plain(res, status, message, headers = {}) {
    const body = `${message}\n`;
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}
