import { errorResponse } from "../websocket/handshake.js";
import { addressGroup, plainAddress } from "./proxy.js";
export class BurstLog {
    suppressed = 0;
    timer;
    logger;
    event;
    windowMs;
    constructor(logger, event, windowMs = 10_000) {
        this.logger = logger;
        this.event = event;
        this.windowMs = windowMs;
    }
    hit(fields) {
        if (this.timer) {
            this.suppressed++;
            return;
        }
        this.logger.warn(this.event, fields);
        this.timer = setTimeout(() => this.flush(), this.windowMs).unref();
    }
    flush() {
        this.timer = undefined;
        if (this.suppressed === 0)
            return;
        this.logger.warn(this.event, { more: this.suppressed, within_s: this.windowMs / 1000 });
        this.suppressed = 0;
    }
    stop() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = undefined;
    }
}
export class HttpGuard {
    open = new Set();
    perAddress = new Map();
    groupOf = new WeakMap();
    log;
    options;
    metrics;
    onSocketClose;
    constructor(options, logger, metrics) {
        this.options = options;
        this.metrics = metrics;
        this.log = new BurstLog(logger, 'http_limit');
        const guard = this;
        this.onSocketClose = function () {
            guard.forget(this);
        };
    }
    get size() {
        return this.open.size;
    }
    attach(server, tls) {
        server.on(tls ? 'secureConnection' : 'connection', (socket) => this.admit(socket));
        server.on('upgrade', (req) => this.forget(req.socket));
    }
    admit(socket) {
        const peer = plainAddress(socket.remoteAddress ?? '');
        const { maxConnections, maxPerAddress, trusted } = this.options;
        if (maxConnections > 0 && this.open.size >= maxConnections)
            return this.refuse(socket, peer, 'too many HTTP connections');
        const group = maxPerAddress > 0 && !trusted.has(peer) ? addressGroup(peer) : undefined;
        if (group !== undefined) {
            const count = this.perAddress.get(group) ?? 0;
            if (count >= maxPerAddress)
                return this.refuse(socket, peer, 'too many HTTP connections from this address');
            this.perAddress.set(group, count + 1);
            this.groupOf.set(socket, group);
        }
        this.open.add(socket);
        this.metrics.httpConnections.set(this.open.size);
        socket.on('close', this.onSocketClose);
    }
    forget(socket) {
        if (!this.open.delete(socket))
            return;
        socket.removeListener('close', this.onSocketClose);
        this.metrics.httpConnections.set(this.open.size);
        const group = this.groupOf.get(socket);
        if (group === undefined)
            return;
        this.groupOf.delete(socket);
        const left = (this.perAddress.get(group) ?? 1) - 1;
        if (left > 0)
            this.perAddress.set(group, left);
        else
            this.perAddress.delete(group);
    }
    refuse(socket, addr, reason) {
        this.metrics.httpRefused.inc({ reason: reason.includes('address') ? 'per_address_cap' : 'total_cap' });
        this.log.hit({ reason, addr, open: this.open.size });
        socket.on('error', () => socket.destroy());
        socket.end(errorResponse(503, reason, { 'Retry-After': '5' }), () => socket.destroy());
        setTimeout(() => socket.destroy(), 1000).unref();
    }
    checkBody(req, res, addr) {
        const length = req.headers['content-length'];
        if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0'))
            return false;
        res.shouldKeepAlive = false;
        res.setHeader('Connection', 'close');
        const socket = req.socket;
        res.once('finish', () => setTimeout(() => socket.destroy(), 1000).unref());
        this.metrics.httpRefused.inc({ reason: 'request_body' });
        this.log.hit({ reason: 'request body not accepted', addr, method: req.method, path: req.url });
        if (req.method !== 'GET' && req.method !== 'HEAD')
            return false;
        const body = 'request bodies are not accepted\n';
        res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return true;
    }
    stop() {
        this.log.stop();
    }
}
