/**
 * The client's WebSocket session: connects (ws:// or wss:// with an extra CA
 * or without verification), notices a dead link with keepalive pings, and
 * reconnects with backoff after a drop or a server close that allows it.
 * Both front ends of the CLI (interactive and pipe) run on it; it knows
 * nothing of chat and prints nothing itself.
 */
import { ChatCloseCode } from "../chat/wire.js";
import { HandshakeError, connect } from "../websocket/client.js";
import { ReadyState } from "../websocket/connection.js";
import { describeClose } from "./format.js";
/**
 * Delay before reconnect attempt `attempt` (1-based): 0.5 s doubling to at most
 * 10 s, with ±20 % jitter so that clients dropped together do not return together.
 */
export function backoffDelay(attempt, random = Math.random) {
    const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
    return Math.round(Math.min(10_000, base * (0.8 + 0.4 * random())));
}
/**
 * Close codes after which coming back may work: the server went away or
 * restarted (1001, 1012), the link broke (1006, also after a keepalive
 * timeout), a server fault or overload (1011, 1013, 1014). A policy or
 * protocol close (1002, 1007, 1008, 1009) or a deliberate normal close (1000,
 * `/quit` or idle) would only happen again, and after 4000 (`replaced`)
 * another connection of the same user has taken over: coming back would
 * take it over in turn.
 */
const RETRY_CLOSE_CODES = new Set([
    ChatCloseCode.GOING_AWAY,
    1006,
    1011,
    ChatCloseCode.SERVICE_RESTART,
    ChatCloseCode.TRY_AGAIN_LATER,
    1014,
]);
/**
 * TLS verification failures (Node's OpenSSL codes): waiting will not make the
 * certificate trusted, so they end the session at once.
 */
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
/**
 * One logical connection to the server across reconnects. It knows nothing
 * of chat: the front end sends the join on `open`, and calls `healthy()` once
 * the server has accepted it, which resets the failure count.
 */
export class Session {
    #url;
    #options;
    #handlers;
    #keepalive;
    #conn;
    #connecting = false;
    #everOpened = false;
    #healthy = false;
    /** Consecutive attempts that did not reach a healthy connection. */
    #failures = 0;
    /** A close is expected (we asked for it, or sent /quit): it is not a drop. */
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
    /** After /quit: the server's close that follows is the end, not a drop. */
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
        // else: #attempt sees #closing when connect() settles.
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
        // The close event always follows; keep the error to explain it.
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
        // A 4xx answer (wrong path, refused origin) will not change by waiting; 429 might.
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
        // A connection that dropped before it was healthy counts as a failure,
        // so a server that accepts and then crashes cannot make us loop forever.
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
    /**
     * A half-open link (a phone that changed networks) delivers nothing and
     * reports nothing: ping, and if nothing at all came back by the next ping,
     * drop the TCP connection without a close frame. A close frame would tell
     * the server that we left on purpose, which ends the membership that the
     * reconnect wants to resume.
     */
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
/** One line saying why the session ended (not for an end we asked for). */
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
