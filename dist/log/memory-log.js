export class MemoryLog {
    local = true;
    available = true;
    #clock;
    #apply = () => { };
    #now = 0;
    constructor(clock = Date.now) {
        this.#clock = clock;
    }
    subscribe(apply) {
        this.#apply = apply;
    }
    append(command) {
        this.#now = Math.max(this.#now, this.#clock());
        this.#apply(command, this.#now);
    }
}
