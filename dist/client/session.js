import { ChatCloseCode } from "../chat/wire.js";
import { HandshakeError, connect } from "../websocket/client.js";
import { ReadyState } from "../websocket/connection.js";
import { describeClose } from "./format.js";
export function backoffDelay(attempt, random = Math.random) {
    const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
    return Math.round(Math.min(10_000, base * (0.8 + 0.4 * random())));
}
const RETRY_CLOSE_CODES = new Set([
    ChatCloseCode.GOING_AWAY,
    1006,
    1011,
    ChatCloseCode.SERVICE_RESTART,
    ChatCloseCode.TRY_AGAIN_LATER,
    1014,
]);
export function isCertificateError(error) {
    const code = error.code;
    if (typeof code !== 'string')
        return false;
    return /CERT|SIGNATURE|ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/.test(code);
}
export function errorText(error) {
    const code = error.code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message || String(error);
}
export class Session {
    #url;
    #options;
    #handlers;
    #keepalive;
    #conn;
    #connecting = false;
    #everOpened = false;
    #healthy = false;
    #failures = 0;
    #closing = false;
    #ended = false;
    #timer;
    #lastError;
    constructor(url, options, handlers) {
        this.#url = url;
        this.#options = options;
        this.#handlers = handlers;
    }
    get isOpen() {
        return this.#conn !== undefined && this.#conn.readyState === ReadyState.OPEN;
    }
    start() {
        void this.#attempt();
    }
    send(text) {
        return this.#conn !== undefined && this.#conn.send(text);
    }
    healthy() {
        this.#healthy = true;
        this.#failures = 0;
    }
    expectClose() {
        this.#closing = true;
    }
    close(code = 1000, reason = '') {
        this.#closing = true;
        if (this.#timer !== undefined) {
            clearTimeout(this.#timer);
            this.#timer = undefined;
        }
        if (this.#conn !== undefined)
            this.#conn.close(code, reason);
        else if (!this.#connecting)
            this.#end({ kind: 'closed', code, reason, requested: true });
    }
    async #attempt() {
        this.#timer = undefined;
        this.#connecting = true;
        let conn;
        try {
            conn = await connect(this.#url, {
                handshakeTimeoutMs: 5000,
                closeTimeoutMs: 2000,
                ...(this.#options.ca !== undefined ? { ca: this.#options.ca } : {}),
                ...(this.#options.rejectUnauthorized !== undefined ? { rejectUnauthorized: this.#options.rejectUnauthorized } : {}),
            });
        }
        catch (error) {
            this.#connecting = false;
            this.#connectFailed(error instanceof Error ? error : new Error(String(error)));
            return;
        }
        this.#connecting = false;
        this.#conn = conn;
        this.#healthy = false;
        this.#lastError = undefined;
        conn.on('message', (data, isBinary) => {
            if (isBinary || typeof data !== 'string')
                this.#handlers.binary(data.length);
            else
                this.#handlers.text(data);
        });
        conn.on('error', (error) => {
            this.#lastError = error;
        });
        conn.on('close', (code, reason) => this.#dropped(conn, code, reason));
        this.#startKeepalive(conn);
        if (this.#closing) {
            conn.close(1000, '');
            return;
        }
        const reconnected = this.#everOpened;
        this.#everOpened = true;
        this.#handlers.open(reconnected);
    }
    #connectFailed(error) {
        if (this.#closing) {
            this.#end({ kind: 'closed', code: 1000, reason: '', requested: true });
            return;
        }
        this.#failures++;
        if (isCertificateError(error)) {
            this.#end({ kind: 'failed', error, gaveUp: false, attempts: this.#failures, certificate: true });
            return;
        }
        const status = error instanceof HandshakeError ? error.status : undefined;
        if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
            this.#end({ kind: 'failed', error, gaveUp: false, attempts: this.#failures, certificate: false });
            return;
        }
        this.#retry(`cannot connect: ${errorText(error)}`, error);
    }
    #dropped(conn, code, reason) {
        if (this.#conn !== conn)
            return;
        this.#conn = undefined;
        clearInterval(this.#keepalive);
        this.#keepalive = undefined;
        if (this.#closing) {
            this.#end({ kind: 'closed', code, reason, requested: true });
            return;
        }
        if (!RETRY_CLOSE_CODES.has(code)) {
            this.#end({ kind: 'closed', code, reason, requested: false });
            return;
        }
        if (!this.#healthy)
            this.#failures++;
        const detail = this.#lastError ? ` (${errorText(this.#lastError)})` : '';
        this.#retry(`connection lost: ${describeClose(code, reason)}${detail}`, new Error(describeClose(code, reason)));
    }
    #retry(cause, error) {
        const attempt = this.#failures + 1;
        if (attempt > this.#options.maxAttempts) {
            this.#end({ kind: 'failed', error, gaveUp: true, attempts: this.#failures, certificate: false });
            return;
        }
        const delayMs = backoffDelay(attempt);
        this.#handlers.retrying({ attempt, maxAttempts: this.#options.maxAttempts, delayMs, cause });
        this.#timer = setTimeout(() => void this.#attempt(), delayMs);
    }
    #startKeepalive(conn) {
        const every = this.#options.keepaliveMs ?? 0;
        if (every <= 0)
            return;
        this.#keepalive = setInterval(() => {
            if (conn.heartbeat())
                return;
            this.#lastError = new Error(`no answer to a ping within ${(every / 1000).toFixed(1)} s`);
            conn.terminate();
        }, every);
        this.#keepalive.unref();
    }
    #end(info) {
        if (this.#ended)
            return;
        this.#ended = true;
        this.#handlers.ended(info);
    }
}
export function describeEnd(info, url) {
    if (info.kind === 'closed') {
        if (info.code === ChatCloseCode.REPLACED) {
            return 'this session was taken over by another connection (the same user resumed elsewhere); not reconnecting';
        }
        return `the server closed the connection: ${describeClose(info.code, info.reason)}`;
    }
    if (info.certificate) {
        return `cannot connect to ${url}: the server's certificate is not trusted (${errorText(info.error)}); use --ca FILE to trust its CA, or --insecure to skip the check`;
    }
    return info.gaveUp ? `giving up after ${info.attempts} failed attempt(s): ${errorText(info.error)}` : `cannot connect to ${url}: ${errorText(info.error)}`;
}
