/**
 * A FIFO queue backed by an array and a head index.
 *
 * `Array.prototype.shift` is O(n); here shift is O(1) and the array is
 * compacted only once the consumed prefix is at least half of it, so the
 * amortised cost per element stays constant and memory stays bounded.
 */
export class Queue {
    #items = [];
    #head = 0;
    get size() {
        return this.#items.length - this.#head;
    }
    push(item) {
        this.#items.push(item);
    }
    /** The oldest item, or undefined when empty. */
    peek() {
        return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
    }
    /** Removes and returns the oldest item, or undefined when empty. */
    shift() {
        if (this.#head >= this.#items.length)
            return undefined;
        const item = this.#items[this.#head];
        // Drop the reference so the consumed slot does not keep the item alive.
        this.#items[this.#head] = undefined;
        this.#head++;
        if (this.#head === this.#items.length) {
            this.#items.length = 0;
            this.#head = 0;
        }
        else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
            this.#items = this.#items.slice(this.#head);
            this.#head = 0;
        }
        return item;
    }
    clear() {
        this.#items = [];
        this.#head = 0;
    }
    /** Oldest first. */
    *[Symbol.iterator]() {
        for (let i = this.#head; i < this.#items.length; i++)
            yield this.#items[i];
    }
    /** Oldest first; cheaper than the iterator on hot paths. */
    forEach(fn) {
        const items = this.#items;
        for (let i = this.#head; i < items.length; i++)
            fn(items[i]);
    }
}
