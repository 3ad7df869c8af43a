export class Queue {
    #items = [];
    #head = 0;
    get size() {
        return this.#items.length - this.#head;
    }
    push(item) {
        this.#items.push(item);
    }
    peek() {
        return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
    }
    shift() {
        if (this.#head >= this.#items.length)
            return undefined;
        const item = this.#items[this.#head];
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
    *[Symbol.iterator]() {
        for (let i = this.#head; i < this.#items.length; i++)
            yield this.#items[i];
    }
    forEach(fn) {
        const items = this.#items;
        for (let i = this.#head; i < items.length; i++)
            fn(items[i]);
    }
}
