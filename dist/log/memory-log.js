export class MemoryLog {
    local = true;
    available = true;
    #clock;
    #apply = () => { };
    #now = 0;
    constructor(clock = Date.now) {
        this.#clock = clock;
    }
    /** Where appended commands go (the node's `apply`). */
    subscribe(apply) {
        this.#apply = apply;
    }
    append(command) {
        this.#now = Math.max(this.#now, this.#clock());
        this.#apply(command, this.#now);
    }
}
