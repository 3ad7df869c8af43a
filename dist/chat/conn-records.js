export class ConnRecords {
    #open = new Map();
    #gone = new Map();
    #keyPrefix;
    constructor(processId) {
        this.#keyPrefix = `${processId}.`;
    }
    get size() {
        return this.#open.size;
    }
    get tracked() {
        return this.#open.size + this.#gone.size;
    }
    add(c) {
        this.#open.set(c.id, c);
    }
    get(id) {
        return this.#open.get(id);
    }
    isOpen(id) {
        return this.#open.has(id);
    }
    values() {
        return this.#open.values();
    }
    close(c) {
        this.#open.delete(c.id);
        this.#gone.set(c.id, c);
    }
    release(c) {
        if (!this.#open.has(c.id) && c.inFlight === 0)
            this.#gone.delete(c.id);
    }
    byKey(key) {
        if (!key.startsWith(this.#keyPrefix))
            return undefined;
        const id = Number(key.slice(this.#keyPrefix.length));
        const c = this.#open.get(id) ?? this.#gone.get(id);
        return c?.key === key ? c : undefined;
    }
    usersByTopic() {
        const byTopic = new Map();
        for (const c of this.#open.values()) {
            if (c.topic === undefined || c.closing)
                continue;
            const list = byTopic.get(c.topic);
            if (list === undefined)
                byTopic.set(c.topic, [c.id]);
            else
                list.push(c.id);
        }
        return byTopic;
    }
}
