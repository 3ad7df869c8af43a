/**
 * The timers of one process's connections, as data: lobby connections'
 * join deadlines (in insertion order, which is deadline order since the
 * timeout is one value) and when to scan for idle members next.
 */
/** Idle scans run at most this often (each scan walks every connection). */
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
        // Delete first so re-insertion moves it to the end (deadline order).
        this.#join.delete(id);
        this.#join.set(id, deadline);
    }
    cancelJoin(id) {
        this.#join.delete(id);
    }
    /** Connections whose join deadline has passed (removed from the list). */
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
    /** Activity at `now`: an idle scan is due no later than a timeout from now. */
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
    /**
     * After a scan: the next one at the earliest remaining idle deadline, but
     * not sooner than the granularity, so staggered deadlines cannot make
     * every tick walk every connection.
     */
    scanned(now, earliest) {
        this.#idleCheckAt = earliest === undefined ? undefined : Math.max(earliest, now + Math.min(IDLE_SCAN_GRANULARITY_MS, this.#idleTimeoutMs));
    }
    next() {
        let deadline;
        for (const joinDeadline of this.#join.values()) {
            deadline = joinDeadline;
            break; // the first is the earliest
        }
        if (this.#idleCheckAt !== undefined && (deadline === undefined || this.#idleCheckAt < deadline))
            deadline = this.#idleCheckAt;
        return deadline;
    }
}
