/**
 * Frames waiting to be sent, paced under the server's rate limit, held while
 * the client is disconnected.
 */
export interface Outgoing {
  text: string;
  /** The server answers it with exactly one frame to us (ack, error, welcome, ...). */
  expectsReply: boolean;
  /** The `ref` of a chat message, so that the chat state knows when it left. */
  ref?: number;
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

  push(text: string, expectsReply: boolean, ref?: number): void {
    this.#queue.push(ref === undefined ? { text, expectsReply } : { text, expectsReply, ref });
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
