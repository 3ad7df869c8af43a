const IDLE_SCAN_GRANULARITY_MS = 1000;
export class ConnDeadlines {
    #join = new Map();
    #idleCheckAt;
    #idleTimeoutMs;
    constructor(idleTimeoutMs) {
        this.#idleTimeoutMs = idleTimeoutMs;
    }
    startJoin(id, deadline) {
        if (deadline === undefined)
            return;
        this.#join.delete(id);
        this.#join.set(id, deadline);
    }
    cancelJoin(id) {
        this.#join.delete(id);
    }
    takeJoinDue(now) {
        const due = [];
        for (const [id, deadline] of this.#join) {
            if (deadline > now)
                break;
            due.push(id);
        }
        for (const id of due)
            this.#join.delete(id);
        return due;
    }
    noteActivity(now) {
        if (this.#idleTimeoutMs <= 0)
            return;
        const at = now + this.#idleTimeoutMs;
        if (this.#idleCheckAt === undefined || at < this.#idleCheckAt)
            this.#idleCheckAt = at;
    }
    idleScanDue(now) {
        return this.#idleTimeoutMs > 0 && this.#idleCheckAt !== undefined && now >= this.#idleCheckAt;
    }
    scanned(now, earliest) {
        this.#idleCheckAt = earliest === undefined ? undefined : Math.max(earliest, now + Math.min(IDLE_SCAN_GRANULARITY_MS, this.#idleTimeoutMs));
    }
    next() {
        let deadline;
        for (const joinDeadline of this.#join.values()) {
            deadline = joinDeadline;
            break;
        }
        if (this.#idleCheckAt !== undefined && (deadline === undefined || this.#idleCheckAt < deadline))
            deadline = this.#idleCheckAt;
        return deadline;
    }
}
