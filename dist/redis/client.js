import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import { RedisReplyError, RedisUnavailableError, RespProtocolError } from "./errors.js";
import { encodeCommand, RespParser } from "./resp.js";
import { DEFAULT_REDIS_PORT, parseRedisUrl } from "./url.js";
const tls = createRequire(import.meta.url)('node:tls');
const RECONNECT_ON = new Set(['READONLY', 'NOAUTH', 'LOADING']);
const noop = () => { };
export class RedisConnection extends EventEmitter {
    address;
    connectTimeoutMs;
    pingIntervalMs;
    stallTimeoutMs;
    commandTimeoutMs;
    reconnectMinDelayMs;
    reconnectMaxDelayMs;
    tlsOptions;
    respOptions;
    currentState = 'idle';
    socket;
    parser;
    pending = new Fifo();
    corked = false;
    attempt = 0;
    up = false;
    downReported = false;
    connectTimer;
    pingTimer;
    reconnectTimer;
    deadlineTimer;
    deadlineAt = Infinity;
    deadlineCheck;
    closed;
    lastError;
    constructor(target, options = {}) {
        super();
        this.address = typeof target === 'string'
            ? parseRedisUrl(target)
            : { host: '127.0.0.1', port: DEFAULT_REDIS_PORT, db: 0, tls: false, ...target };
        this.stallTimeoutMs = options.stallTimeoutMs ?? 4000;
        this.connectTimeoutMs = options.connectTimeoutMs ?? 4000;
        this.pingIntervalMs = options.pingIntervalMs ?? 1000;
        this.commandTimeoutMs = options.commandTimeoutMs ?? this.stallTimeoutMs;
        this.reconnectMinDelayMs = options.reconnectMinDelayMs ?? 100;
        this.reconnectMaxDelayMs = options.reconnectMaxDelayMs ?? 1000;
        this.tlsOptions = options.tlsOptions ?? {};
        this.respOptions = options.resp ?? {};
    }
    get state() {
        return this.currentState;
    }
    get isReady() {
        return this.currentState === 'ready';
    }
    connect() {
        if (this.currentState === 'idle')
            this.openLink();
        return this;
    }
    whenReady() {
        if (this.isReady)
            return Promise.resolve();
        if (this.currentState === 'closed')
            return Promise.reject(new RedisUnavailableError('the Redis connection is closed', false));
        return new Promise((resolve, reject) => {
            const onReady = () => { this.off('close', onClose); resolve(); };
            const onClose = () => { this.off('ready', onReady); reject(new RedisUnavailableError('the Redis connection is closed', false)); };
            this.once('ready', onReady);
            this.once('close', onClose);
        });
    }
    command(args, options = {}) {
        if (this.currentState !== 'ready') {
            const message = this.currentState === 'closed' ? 'the Redis connection is closed' : 'Redis is unavailable: not connected';
            return Promise.reject(new RedisUnavailableError(message, false, this.lastError));
        }
        return this.send(args, options.timeoutMs ?? this.commandTimeoutMs);
    }
    close() {
        if (this.closed)
            return this.closed;
        this.currentState = 'closed';
        clearTimeout(this.reconnectTimer);
        const socket = this.socket;
        const gone = socket && !socket.destroyed ? new Promise((resolve) => socket.once('close', () => resolve())) : Promise.resolve();
        this.dropLink(new RedisUnavailableError('the Redis connection was closed', true));
        this.closed = gone.then(() => { this.emit('close'); });
        return this.closed;
    }
    wasClosed() {
        return this.currentState === 'closed';
    }
    openLink() {
        this.currentState = 'connecting';
        const { host, port } = this.address;
        const socket = this.address.tls
            ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...this.tlsOptions })
            : net.connect({ host, port });
        this.socket = socket;
        const parser = new RespParser((reply) => this.onReply(socket, reply), this.respOptions);
        this.parser = parser;
        this.connectTimer = setTimeout(() => {
            this.fail(socket, new Error(`Redis at ${host}:${port} did not accept and answer within ${this.connectTimeoutMs} ms`));
        }, this.connectTimeoutMs);
        socket.setNoDelay(true);
        socket.once(this.address.tls ? 'secureConnect' : 'connect', () => this.handshake(socket));
        socket.on('data', (chunk) => {
            try {
                parser.push(chunk);
            }
            catch (error) {
                this.fail(socket, error);
            }
        });
        socket.on('error', (error) => this.fail(socket, error));
        socket.on('close', () => this.fail(socket, new Error(`connection to Redis at ${host}:${port} closed`)));
    }
    handshake(socket) {
        if (this.socket !== socket)
            return;
        this.currentState = 'handshaking';
        socket.setKeepAlive(true, 10_000);
        const { username, password, db } = this.address;
        const steps = [];
        if (password !== undefined)
            steps.push(username !== undefined ? ['AUTH', username, password] : ['AUTH', password]);
        if (db !== 0)
            steps.push(['SELECT', db]);
        steps.push(['PING']);
        Promise.all(steps.map((step) => this.send(step, Infinity))).then(() => this.becomeReady(socket), (error) => this.fail(socket, error));
    }
    becomeReady(socket) {
        if (this.socket !== socket)
            return;
        clearTimeout(this.connectTimer);
        this.currentState = 'ready';
        this.attempt = 0;
        this.up = true;
        this.downReported = false;
        if (this.pingIntervalMs > 0)
            this.pingTimer = setInterval(() => this.probe(), this.pingIntervalMs);
        this.emit('ready');
    }
    probe() {
        if (this.currentState !== 'ready' || this.pending.size > 0)
            return;
        this.send(['PING'], this.stallTimeoutMs).catch(noop);
    }
    send(args, timeoutMs) {
        const socket = this.socket;
        let bytes;
        try {
            bytes = encodeCommand(args);
        }
        catch (error) {
            return Promise.reject(error);
        }
        return new Promise((resolve, reject) => {
            const deadline = performance.now() + timeoutMs;
            this.pending.push({ name: String(args[0]), resolve, reject, deadline, timeoutMs });
            if (!this.corked) {
                this.corked = true;
                socket.cork();
                process.nextTick(() => { this.corked = false; socket.uncork(); });
            }
            socket.write(bytes);
            if (deadline < this.deadlineAt)
                this.armDeadline(deadline);
        });
    }
    onReply(socket, reply) {
        if (this.socket !== socket)
            return;
        const command = this.pending.shift();
        if (command === undefined) {
            this.fail(socket, new RespProtocolError('Redis sent a reply with no command waiting for it'));
            return;
        }
        if (!(reply instanceof RedisReplyError)) {
            command.resolve(reply);
            return;
        }
        command.reject(reply);
        if (this.currentState === 'ready' && RECONNECT_ON.has(reply.code))
            this.fail(socket, reply);
    }
    armDeadline(deadline) {
        clearTimeout(this.deadlineTimer);
        this.deadlineAt = deadline;
        this.deadlineTimer = setTimeout(() => {
            this.deadlineTimer = undefined;
            this.deadlineAt = Infinity;
            this.deadlineCheck = setImmediate(() => this.checkDeadlines());
        }, Math.max(0, deadline - performance.now()) + 1);
    }
    checkDeadlines() {
        this.deadlineCheck = undefined;
        const socket = this.socket;
        if (socket === undefined)
            return;
        const now = performance.now();
        let next = Infinity;
        for (const command of this.pending) {
            if (command.deadline <= now) {
                this.fail(socket, new Error(`Redis did not answer ${command.name} within ${command.timeoutMs} ms (stalled link)`));
                return;
            }
            next = Math.min(next, command.deadline);
        }
        if (next < this.deadlineAt)
            this.armDeadline(next);
    }
    fail(socket, error) {
        if (this.socket !== socket)
            return;
        this.lastError = error;
        this.dropLink(new RedisUnavailableError(`the link to Redis broke before the reply (${error.message}); the command may or may not have been executed`, true, error));
        if (this.currentState === 'closed')
            return;
        if (this.up || !this.downReported) {
            this.up = false;
            this.downReported = true;
            this.emit('down', error);
            if (this.wasClosed())
                return;
        }
        this.scheduleReconnect(error);
    }
    dropLink(reason) {
        clearTimeout(this.connectTimer);
        clearInterval(this.pingTimer);
        clearTimeout(this.deadlineTimer);
        clearImmediate(this.deadlineCheck);
        this.deadlineTimer = undefined;
        this.deadlineAt = Infinity;
        this.parser?.stop();
        this.parser = undefined;
        this.socket?.destroy();
        this.socket = undefined;
        for (let command = this.pending.shift(); command !== undefined; command = this.pending.shift()) {
            command.reject(reason);
        }
    }
    scheduleReconnect(error) {
        const base = Math.min(this.reconnectMaxDelayMs, this.reconnectMinDelayMs * 2 ** Math.min(this.attempt, 30));
        const delayMs = Math.round(base * (0.8 + 0.4 * Math.random()));
        this.attempt++;
        this.currentState = 'waiting';
        this.emit('reconnecting', { attempt: this.attempt, delayMs, error });
        if (this.wasClosed())
            return;
        this.reconnectTimer = setTimeout(() => {
            this.reconnectTimer = undefined;
            this.openLink();
        }, delayMs);
    }
}
class Fifo {
    items = [];
    head = 0;
    get size() {
        return this.items.length - this.head;
    }
    push(item) {
        this.items.push(item);
    }
    shift() {
        if (this.head === this.items.length)
            return undefined;
        const item = this.items[this.head];
        this.items[this.head++] = undefined;
        if (this.head === this.items.length) {
            this.items = [];
            this.head = 0;
        }
        else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
            this.items = this.items.slice(this.head);
            this.head = 0;
        }
        return item;
    }
    *[Symbol.iterator]() {
        for (let i = this.head; i < this.items.length; i++)
            yield this.items[i];
    }
}
