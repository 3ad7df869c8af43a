export class ConnRecords {
    #open = new Map();
    #gone = new Map();
    /** `<processId>.`: the start of this process's connection keys. */
    #keyPrefix;
    constructor(processId) {
        this.#keyPrefix = `${processId}.`;
    }
    /** Open connections. */
    get size() {
        return this.#open.size;
    }
    /** Records still held: open ones, and gone ones with commands in flight. */
    get tracked() {
        return this.#open.size + this.#gone.size;
    }
    add(c) {
        this.#open.set(c.id, c);
    }
    /** An open connection's record. */
    get(id) {
        return this.#open.get(id);
    }
    isOpen(id) {
        return this.#open.has(id);
    }
    /** Open connections, in the order they came. */
    values() {
        return this.#open.values();
    }
    /** The connection is over; its record stays while its commands are in flight (see release). */
    close(c) {
        this.#open.delete(c.id);
        this.#gone.set(c.id, c);
    }
    /** Forgets a gone connection once the last of its commands is applied. */
    release(c) {
        if (!this.#open.has(c.id) && c.inFlight === 0)
            this.#gone.delete(c.id);
    }
    /** The record for a connection key of this process (open, or gone with commands in flight). */
    byKey(key) {
        if (!key.startsWith(this.#keyPrefix))
            return undefined;
        const id = Number(key.slice(this.#keyPrefix.length));
        const c = this.#open.get(id) ?? this.#gone.get(id);
        return c?.key === key ? c : undefined;
    }
    /** Open connections per topic, as this process sees them (a reload from a snapshot does not change this). */
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
