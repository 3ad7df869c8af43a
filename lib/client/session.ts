/**
 * The client's WebSocket session: connects, reconnects with backoff after an
 * unexpected drop, rejoins the same topic, and keeps the outbox of frames
 * waiting for their replies. Both front ends of the CLI (interactive and pipe)
 * run on it; it prints nothing itself.
 */
import { HandshakeError, connect } from '../websocket/client.ts';
import { ReadyState, type WebSocketConnection } from '../websocket/connection.ts';
import { describeClose, parseServerFrame, type ServerFrame } from './format.ts';

/**
 * Delay before reconnect attempt `attempt` (1-based): 0.5 s doubling to at most
 * 10 s, with ±20 % jitter so that clients dropped together do not return together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(10_000, base * (0.8 + 0.4 * random())));
}

/**
 * Close codes after which coming back may work: the server went away or
 * restarted (1001, 1012), the link broke (1006), a server fault or overload
 * (1011, 1013, 1014). A policy or protocol close (1002, 1007, 1008, 1009) or a
 * deliberate normal close (1000, e.g. idle) would only happen again.
 */
const RETRY_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

interface RetryInfo {
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  cause: string;
}

type EndInfo =
  | { kind: 'closed'; code: number; reason: string; requested: boolean }
  | { kind: 'failed'; error: Error; gaveUp: boolean; attempts: number };

interface SessionHandlers {
  open(reconnected: boolean): void;
  text(data: string): void;
  binary(bytes: number): void;
  retrying(info: RetryInfo): void;
  /** Called once; the session does nothing after it. */
  ended(info: EndInfo): void;
}

export function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message || String(error);
}

/**
 * One logical connection to the server across reconnects. It knows nothing
 * of chat: the front end sends the join on `open`, and calls `healthy()` once
 * the server has accepted it, which resets the failure count.
 */
export class Session {
  readonly #url: string;
  readonly #maxAttempts: number;
  readonly #handlers: SessionHandlers;
  #conn: WebSocketConnection | undefined;
  #connecting = false;
  #everOpened = false;
  #healthy = false;
  /** Consecutive attempts that did not reach a healthy connection. */
  #failures = 0;
  /** A close is expected (we asked for it, or sent /quit): it is not a drop. */
  #closing = false;
  #ended = false;
  #timer: NodeJS.Timeout | undefined;
  #lastError: Error | undefined;

  constructor(url: string, maxAttempts: number, handlers: SessionHandlers) {
    this.#url = url;
    this.#maxAttempts = maxAttempts;
    this.#handlers = handlers;
  }

  get isOpen(): boolean {
    return this.#conn !== undefined && this.#conn.readyState === ReadyState.OPEN;
  }

  start(): void {
    void this.#attempt();
  }

  send(text: string): boolean {
    return this.#conn !== undefined && this.#conn.send(text);
  }

  healthy(): void {
    this.#healthy = true;
    this.#failures = 0;
  }

  /** After /quit: the server's close that follows is the end, not a drop. */
  expectClose(): void {
    this.#closing = true;
  }

  close(code = 1000, reason = ''): void {
    this.#closing = true;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#conn !== undefined) this.#conn.close(code, reason);
    else if (!this.#connecting) this.#end({ kind: 'closed', code, reason, requested: true });
    // else: #attempt sees #closing when connect() settles.
  }

  async #attempt(): Promise<void> {
    this.#timer = undefined;
    this.#connecting = true;
    let conn: WebSocketConnection;
    try {
      conn = await connect(this.#url, { handshakeTimeoutMs: 5000, closeTimeoutMs: 2000 });
    } catch (error) {
      this.#connecting = false;
      this.#connectFailed(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#connecting = false;
    this.#conn = conn;
    this.#healthy = false;
    this.#lastError = undefined;
    conn.on('message', (data, isBinary) => {
      if (isBinary || typeof data !== 'string') this.#handlers.binary(data.length);
      else this.#handlers.text(data);
    });
    // The close event always follows; keep the error to explain it.
    conn.on('error', (error) => {
      this.#lastError = error;
    });
    conn.on('close', (code, reason) => this.#dropped(conn, code, reason));
    if (this.#closing) {
      conn.close(1000, '');
      return;
    }
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#handlers.open(reconnected);
  }

  #connectFailed(error: Error): void {
    if (this.#closing) {
      this.#end({ kind: 'closed', code: 1000, reason: '', requested: true });
      return;
    }
    this.#failures++;
    // A 4xx answer (wrong path, refused origin) will not change by waiting; 429 might.
    const status = error instanceof HandshakeError ? error.status : undefined;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      this.#end({ kind: 'failed', error, gaveUp: false, attempts: this.#failures });
      return;
    }
    this.#retry(`cannot connect: ${errorText(error)}`, error);
  }

  #dropped(conn: WebSocketConnection, code: number, reason: string): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
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
    if (!this.#healthy) this.#failures++;
    const detail = this.#lastError ? ` (${errorText(this.#lastError)})` : '';
    this.#retry(`connection lost: ${describeClose(code, reason)}${detail}`, new Error(describeClose(code, reason)));
  }

  #retry(cause: string, error: Error): void {
    const attempt = this.#failures + 1;
    if (attempt > this.#maxAttempts) {
      this.#end({ kind: 'failed', error, gaveUp: true, attempts: this.#failures });
      return;
    }
    const delayMs = backoffDelay(attempt);
    this.#handlers.retrying({ attempt, maxAttempts: this.#maxAttempts, delayMs, cause });
    this.#timer = setTimeout(() => void this.#attempt(), delayMs);
  }

  #end(info: EndInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#handlers.ended(info);
  }
}

// ---- paced output ----------------------------------------------------------

interface Outgoing {
  text: string;
  /** The server answers it with exactly one frame to us (ack, error, welcome, ...). */
  expectsReply: boolean;
}

/**
 * Frames waiting to be sent, paced by a token bucket under the server's
 * default rate limit (50 frames/s, burst 100) so that a paste or a piped file
 * is not dropped with `rate_limited`. Frames wait here while disconnected.
 */
export class Outbox {
  readonly #queue: Outgoing[] = [];
  readonly #trySend: (text: string) => boolean;
  readonly #onSent: (item: Outgoing) => void;
  readonly #rate = 40;
  readonly #burst = 60;
  #tokens = 60;
  #last = Date.now();
  #timer: NodeJS.Timeout | undefined;

  constructor(trySend: (text: string) => boolean, onSent: (item: Outgoing) => void) {
    this.#trySend = trySend;
    this.#onSent = onSent;
  }

  get size(): number {
    return this.#queue.length;
  }

  push(text: string, expectsReply: boolean): void {
    this.#queue.push({ text, expectsReply });
    this.pump();
  }

  /** The join payload must precede lines queued while we were away. */
  unshift(text: string, expectsReply: boolean): void {
    this.#queue.unshift({ text, expectsReply });
    this.pump();
  }

  /** For frames that may be dropped (typing): sent only if nothing waits and the budget allows. */
  sendIfIdle(text: string): void {
    this.#refill();
    if (this.#queue.length > 0 || this.#tokens < 1) return;
    if (this.#trySend(text)) this.#tokens--;
  }

  pump(): void {
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1) {
      const item = this.#queue[0] as Outgoing;
      if (!this.#trySend(item.text)) return; // not connected: wait for the next open
      this.#queue.shift();
      this.#tokens--;
      this.#onSent(item);
    }
    if (this.#queue.length > 0 && this.#timer === undefined) {
      const wait = Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.pump();
      }, Math.max(1, wait));
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
  }
}

// ---- chat state shared by both front ends ----------------------------------

/** Frames the server sends to us in answer to one of ours (one each). */
export function isReply(frame: ServerFrame, self: string | undefined): boolean {
  switch (frame.type) {
    case 'welcome':
    case 'ack':
    case 'error':
    case 'topics':
    case 'users':
    case 'help':
      return true;
    case 'left':
      return self !== undefined && frame['username'] === self; // the answer to /leave
    default:
      return false;
  }
}

export function joinPayload(username: string, topic: string): string {
  return JSON.stringify({ username, topic });
}

export function commandName(line: string): string {
  return line.slice(1).split(/\s/, 1)[0] ?? '';
}
