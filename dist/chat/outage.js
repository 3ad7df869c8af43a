/** Log time after a reset before unregistered members are announced as gone. */
const RECONCILE_AFTER_MS = 3000;
export class OutageBook {
    /** Leaves announced to local users while the log was away: not announced twice. */
    #announcedLocally = new Set();
    /** Leaves that could not be appended, to append once the log is back. */
    #unsent = [];
    /** Numbers of this process's writes that were reported `unavailable`. */
    #refused = new Set();
    #writes = 0;
    #reconcile;
    /** Numbers a write so that a late arrival of a refused one can be recognised. */
    number(command) {
        command.n = ++this.#writes;
    }
    refused(command) {
        if (command.n !== undefined)
            this.#refused.add(command.n);
    }
    /** True (once) when this write was reported `unavailable`: its sender gets no ack. */
    wasRefused(command) {
        return command.n !== undefined && this.#refused.delete(command.n);
    }
    leftLocally(conn, command) {
        this.#announcedLocally.add(conn);
        this.#unsent.push(command);
    }
    /** True (once) when this leave was already announced to local users. */
    alreadyAnnounced(conn) {
        return this.#announcedLocally.delete(conn);
    }
    takeUnsent() {
        const unsent = this.#unsent;
        this.#unsent = [];
        return unsent;
    }
    /** The log lost its data: remember the other processes' members as they were. */
    reset(previous) {
        this.#unsent = [];
        this.#announcedLocally.clear();
        this.#reconcile = { previous, after: undefined };
    }
    /** Once enough log time has passed after a reset: the members to check (then forgotten). */
    reconcileDue(now) {
        const reconcile = this.#reconcile;
        if (reconcile === undefined)
            return undefined;
        reconcile.after ??= now + RECONCILE_AFTER_MS;
        if (now < reconcile.after)
            return undefined;
        this.#reconcile = undefined;
        return reconcile.previous;
    }
}
/**
 * Who left and who joined between two views of the same topics (by
 * connection key; a member whose name or topic changed did both): what a
 * process's users missed when it skipped part of the log. Leaves first.
 */
export function missedChanges(before, after) {
    const same = (a, b) => b !== undefined && a.topic === b.topic && a.username === b.username;
    const changes = [];
    for (const [conn, member] of before)
        if (!same(member, after.get(conn)))
            changes.push({ member, joined: false });
    for (const [conn, member] of after)
        if (!same(member, before.get(conn)))
            changes.push({ member, joined: true });
    return changes;
}
