/**
 * Frames waiting to be sent, paced by a token bucket under the server's
 * default rate limit (50 frames/s, burst 100) so that a paste or a piped file
 * is not dropped with `rate_limited`. Frames wait here while disconnected.
 */
export class Outbox {
    #queue = [];
    #trySend;
    #onSent;
    #rate = 40;
    #burst = 60;
    #tokens = 60;
    #last = Date.now();
    #timer;
    constructor(trySend, onSent) {
        this.#trySend = trySend;
        this.#onSent = onSent;
    }
    get size() {
        return this.#queue.length;
    }
    push(text, expectsReply, ref) {
        this.#queue.push(ref === undefined ? { text, expectsReply } : { text, expectsReply, ref });
        this.pump();
    }
    /** The join payload must precede lines queued while we were away. */
    unshift(text, expectsReply) {
        this.#queue.unshift({ text, expectsReply });
        this.pump();
    }
    /** For frames that may be dropped (typing): sent only if nothing waits and the budget allows. */
    sendIfIdle(text) {
        this.#refill();
        if (this.#queue.length > 0 || this.#tokens < 1)
            return;
        if (this.#trySend(text))
            this.#tokens--;
    }
    pump() {
        this.#refill();
        while (this.#queue.length > 0 && this.#tokens >= 1) {
            const item = this.#queue[0];
            if (!this.#trySend(item.text))
                return; // not connected: wait for the next open
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
    stop() {
        if (this.#timer !== undefined)
            clearTimeout(this.#timer);
        this.#timer = undefined;
    }
    #refill() {
        const now = Date.now();
        this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
        this.#last = now;
    }
}
