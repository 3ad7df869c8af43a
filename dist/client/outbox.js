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
    unshift(text, expectsReply) {
        this.#queue.unshift({ text, expectsReply });
        this.pump();
    }
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
                return;
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
